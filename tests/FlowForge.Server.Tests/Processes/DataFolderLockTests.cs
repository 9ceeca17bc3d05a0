using System.Text.Json.Nodes;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowForge.Server.Tests.Processes;

/// <summary>One embedded process per data folder, and <c>flowforge run</c> kept away from a server's store.</summary>
public sealed class DataFolderLockTests : IDisposable
{
    private readonly DirectoryInfo _server = Directory.CreateTempSubdirectory("flowforge-held-");
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("flowforge-cwd-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _server.Delete(recursive: true);
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task Serve_SecondProcessOnTheSameFolder_ExitsNonZeroNamingTheFolderAndTheHolder()
    {
        await using var first = await ServeProcess.StartAsync(_server.FullName, ServeProcess.FreePort());

        var (exit, output, error) = await CliProcess.RunAsync(
            ["serve", "--data", _server.FullName, "--urls", $"http://127.0.0.1:{ServeProcess.FreePort()}"], _work.FullName);

        Assert.Equal(1, exit);
        Assert.Contains(_server.FullName, error, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Id}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AfterTheHolderWasKilled_StartsOnTheSameFolder()
    {
        var port = ServeProcess.FreePort();
        await using (var first = await ServeProcess.StartAsync(_server.FullName, port))
        {
            first.Kill();
        }

        Assert.True(File.Exists(Path.Combine(_server.FullName, DataFolderLock.FileName)));
        await using var second = await ServeProcess.StartAsync(_server.FullName, port);
    }

    [Fact]
    public async Task Run_DataFolderHeldByAServer_ExitsNonZeroWithoutTouchingIt()
    {
        await using var server = await ServeProcess.StartAsync(_server.FullName, ServeProcess.FreePort());
        var flow = WriteFlow();

        var (exit, _, error) = await CliProcess.RunAsync(["run", flow, "--data", _server.FullName], _work.FullName);

        Assert.Equal(1, exit);
        Assert.Contains(_server.FullName, error, StringComparison.Ordinal);
        Assert.Contains($"pid {server.Id}", error, StringComparison.Ordinal);
        Assert.Equal(0, await CountFlowsAsync());
    }

    [Fact]
    public async Task Run_ServerStoreInAppsettingsAndEnvironment_RunsInItsOwnScratchStore()
    {
        await using var server = await ServeProcess.StartAsync(_server.FullName, ServeProcess.FreePort());
        var flow = WriteFlow();
        // What a server's working folder holds: run from it, the CLI would find the server's store in both places.
        File.WriteAllText(Path.Combine(_work.FullName, "appsettings.json"), new JsonObject
        {
            ["Storage"] = new JsonObject { ["Provider"] = "sqlite", ["DataDirectory"] = _server.FullName },
        }.ToJsonString());
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _server.FullName,
            ["Storage__ConnectionString"] = $"Data Source={Path.Combine(_server.FullName, "flowforge.db")}",
        };

        var (exit, output, error) = await CliProcess.RunAsync(["run", flow], _work.FullName, environment);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("Succeeded", output, StringComparison.Ordinal);
        Assert.Equal(0, await CountFlowsAsync());
    }

    [Fact]
    public async Task Run_StorageSettingOnItsCommandLine_IsAUsageErrorNamingTheSetting()
    {
        var flow = WriteFlow();

        var (exit, _, error) = await CliProcess.RunAsync(
            ["run", flow, $"--Storage:DataDirectory={_server.FullName}"], _work.FullName);

        Assert.Equal(FlowForge.Server.Cli.FlowForgeCli.UsageError, exit);
        Assert.Contains("--Storage:DataDirectory", error, StringComparison.Ordinal);
        Assert.Contains("flowforge run", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_server.FullName, "flowforge.db")));
    }

    [Fact]
    public async Task InitializeAsync_SecondAppOnTheSameFolder_IsRefusedUntilTheFirstIsDisposed()
    {
        string[] settings = ["--urls=http://127.0.0.1:0", $"--Storage:DataDirectory={_server.FullName}", "--Logging:LogLevel:Default=Warning"];
        var first = FlowForgeApp.Build(settings);
        try
        {
            await FlowForgeApp.InitializeAsync(first, CancellationToken.None);
            await using var second = FlowForgeApp.Build(settings);
            var refused = await Assert.ThrowsAsync<DataFolderInUseException>(() => FlowForgeApp.InitializeAsync(second, CancellationToken.None));
            Assert.Equal(_server.FullName, refused.Folder);
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var third = FlowForgeApp.Build(settings);
        await FlowForgeApp.InitializeAsync(third, CancellationToken.None);
    }

    private string WriteFlow()
    {
        var path = Path.Combine(_work.FullName, "local.flow.json");
        File.WriteAllText(path, Flows.Chain("local-only", ("step", "core.noop", null)).ToJsonString());
        return path;
    }

    // The server's own database, read beside it: a run that went there would have added its flow.
    private async Task<long> CountFlowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_server.FullName, "flowforge.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Flows";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
