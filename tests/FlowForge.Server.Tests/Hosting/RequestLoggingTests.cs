using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class RequestLoggingTests
{
    private static async Task<CapturingLoggerProvider> ServeAsync(params string[] settings)
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(b => b.Logging.AddProvider(logs), ["--Logging:LogLevel:Default=Information", .. settings]);
        using var client = server.CreateClient();
        (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).EnsureSuccessStatusCode();
        (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).EnsureSuccessStatusCode();
        return logs;
    }

    [Fact]
    public async Task Requests_ByDefault_AreNotLoggedAtInformation()
    {
        var logs = await ServeAsync();

        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("/openapi/v1.json", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Requests_WhenEnabled_OneLinePerRequestAndNoneForHealthProbes()
    {
        var logs = await ServeAsync("--Logging:Requests=true");

        var line = Assert.Single(logs.Entries, e => e.Message.Contains("/openapi/v1.json", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("GET /openapi/v1.json 200 in ", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("/health", StringComparison.Ordinal));
    }
}
