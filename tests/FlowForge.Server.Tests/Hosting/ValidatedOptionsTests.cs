using FlowForge.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Hosting;

public sealed class ValidatedOptionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-options-");

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<Exception?> ValidateAsync(params string[] settings)
    {
        await using var app = FlowForgeApp.Build(["--urls=http://127.0.0.1:0", $"--Storage:DataDirectory={_folder.FullName}", .. settings]);
        return Record.Exception(() => ValidatedOptions.ValidateNow(app.Services));
    }

    [Fact]
    public async Task ValidateNow_Defaults_Pass()
    {
        Assert.Null(await ValidateAsync());
    }

    [Theory]
    [InlineData("Engine:WorkerParallelism", "0", "Engine:WorkerParallelism must be between 1 and 65536; it is 0.")]
    [InlineData("Engine:WorkerParallelism", "70000", "Engine:WorkerParallelism must be between 1 and 65536; it is 70000.")]
    [InlineData("Engine:LeaseDuration", "-00:00:05", "Engine:LeaseDuration must be between 00:00:01 and 1.00:00:00; it is -00:00:05.")]
    [InlineData("Engine:SweepInterval", "00:00:00", "Engine:SweepInterval must be between")]
    [InlineData("Engine:ReadyResendAfter", "-00:01:00", "Engine:ReadyResendAfter must be between")]
    [InlineData("Flows:MaxNodes", "0", "Flows:MaxNodes must be between 1 and 100000; it is 0.")]
    [InlineData("Flows:MaxEdges", "-1", "Flows:MaxEdges must be between 1 and 1000000; it is -1.")]
    [InlineData("PlanCache:Capacity", "0", "PlanCache:Capacity must be between 1 and 10000000; it is 0.")]
    [InlineData("Auth:MinPasswordLength", "4", "Auth:MinPasswordLength must be between 8 and 1024; it is 4.")]
    [InlineData("Auth:TokenLifetime", "00:00:00", "Auth:TokenLifetime must be between 00:01:00 and 30.00:00:00; it is 00:00:00.")]
    [InlineData("Auth:SessionIdleMinutes", "0", "Auth:SessionIdleMinutes must be between 1 and 43200; it is 0.")]
    [InlineData("Auth:SessionIdleMinutes", "1500", "Auth:SessionIdleMinutes must not exceed SessionMaxHours (in minutes).")]
    [InlineData("Auth:SessionMaxHours", "0", "Auth:SessionMaxHours must be between 1 and 8760; it is 0.")]
    [InlineData("Auth:MaxApiTokensPerUser", "0", "Auth:MaxApiTokensPerUser must be between 1 and 10000; it is 0.")]
    [InlineData("Auth:MaxApiTokenNameLength", "401", "Auth:MaxApiTokenNameLength must be between 1 and 400; it is 401.")]
    [InlineData("Auth:MaxApiTokenDays", "0", "Auth:MaxApiTokenDays must be between 1 and 3650; it is 0.")]
    [InlineData("RateLimits:RunStartsPerSecond", "0", "RateLimits:RunStartsPerSecond must be between 0.001 and 1000000; it is 0.")]
    [InlineData("RateLimits:RunStartBurst", "0", "RateLimits:RunStartBurst must be between 1 and 10000000; it is 0.")]
    [InlineData("Server:MaxRequestBodyBytes", "-1", "Server:MaxRequestBodyBytes must be between 1024 and 1073741824; it is -1.")]
    [InlineData("Execution:MaxAttemptLogBytes", "-1", "Execution:MaxAttemptLogBytes must be between 0 and 16777216; it is -1.")]
    [InlineData("Code:Timeout", "00:00:00", "Code:Timeout must be between")]
    [InlineData("Code:MaxStatements", "0", "Code:MaxStatements must be between 1 and 2147483647; it is 0.")]
    [InlineData("Code:MaxMemoryBytes", "1000", "Code:MaxMemoryBytes must be between 1048576 and 17179869184; it is 1000.")]
    public async Task ValidateNow_SettingOutOfRange_FailsNamingTheSetting(string key, string value, string expected)
    {
        var error = await ValidateAsync($"--{key}={value}");

        var failures = ValidatedOptions.Failures(Assert.IsAssignableFrom<Exception>(error));
        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_SeveralBadSettings_ReportsEachOne()
    {
        var error = await ValidateAsync("--Engine:WorkerParallelism=0", "--Auth:MinPasswordLength=1");

        var failures = ValidatedOptions.Failures(error!);
        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.StartsWith("Engine:WorkerParallelism", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:MinPasswordLength", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_SharedStoreWithoutKeyRingSecret_FailsNamingTheSetting()
    {
        var error = await ValidateAsync("--Storage:Provider=postgres", "--Storage:ConnectionString=Host=127.0.0.1;Database=none");

        var failures = ValidatedOptions.Failures(error!);
        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.StartsWith("Auth:KeyRingSecret is required with a shared store (postgres)", StringComparison.Ordinal));
    }

    [Fact]
    public void Failures_OtherException_IsNull()
    {
        Assert.Null(ValidatedOptions.Failures(new IOException("disk")));
        Assert.Equal(["a", "b"], ValidatedOptions.Failures(new OptionsValidationException("x", typeof(object), ["a", "b"])));
    }
}
