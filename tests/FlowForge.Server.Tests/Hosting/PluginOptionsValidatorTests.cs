using FlowForge.Server.Hosting;

namespace FlowForge.Server.Tests.Hosting;

/// <summary><c>Plugins:*</c> settings checked at start-up, each failure naming the setting.</summary>
public sealed class PluginOptionsValidatorTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-plugin-options-");

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<IReadOnlyList<string>> FailuresAsync(params string[] settings)
    {
        await using var app = FlowForgeApp.Build(["--urls=http://127.0.0.1:0", $"--Storage:DataDirectory={Path.Combine(_folder.FullName, "data")}", .. settings]);
        var error = Record.Exception(() => ValidatedOptions.ValidateNow(app.Services));
        return error is null ? [] : ValidatedOptions.Failures(error) ?? throw error;
    }

    [Fact]
    public async Task ValidateNow_DefaultMissingFolder_Passes()
    {
        Assert.Empty(await FailuresAsync($"--Plugins:Directory={Path.Combine(_folder.FullName, "none")}"));
    }

    [Fact]
    public async Task ValidateNow_RequiredAndFolderExists_Passes()
    {
        Assert.Empty(await FailuresAsync($"--Plugins:Directory={_folder.FullName}", "--Plugins:Required=true"));
    }

    [Fact]
    public async Task ValidateNow_RequiredAndFolderMissing_FailsNamingTheSetting()
    {
        var missing = Path.Combine(_folder.FullName, "none");

        var failures = await FailuresAsync($"--Plugins:Directory={missing}", "--Plugins:Required=true");

        Assert.Contains(failures, f => f.StartsWith("Plugins:Directory", StringComparison.Ordinal) && f.Contains(missing, StringComparison.Ordinal)
            && f.Contains("Plugins:Required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_RequiredAndDirectoryEmpty_FailsNamingTheSetting()
    {
        var failures = await FailuresAsync("--Plugins:Directory=", "--Plugins:Required=true");

        Assert.Contains(failures, f => f.StartsWith("Plugins:Directory is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_DirectoryWhiteSpace_FailsNamingTheSetting()
    {
        var failures = await FailuresAsync("--Plugins:Directory=   ");

        Assert.Contains(failures, f => f.StartsWith("Plugins:Directory is only white space", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_DirectoryIsAFile_FailsNamingTheSetting()
    {
        var file = Path.Combine(_folder.FullName, "plugins.txt");
        await File.WriteAllTextAsync(file, "not a folder");

        var failures = await FailuresAsync($"--Plugins:Directory={file}");

        Assert.Contains(failures, f => f.StartsWith($"Plugins:Directory '{file}' is a file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateNow_DirectoryWithNulCharacter_FailsNamingTheSetting()
    {
        var failures = await FailuresAsync("--Plugins:Directory=plu\0gins");

        Assert.Contains(failures, f => f.StartsWith("Plugins:Directory", StringComparison.Ordinal) && f.Contains("not a valid path", StringComparison.Ordinal));
    }
}
