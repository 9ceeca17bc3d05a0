using System.Text.Json.Nodes;
using FlowForge.Server.Cli;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Tests.Cli;

public sealed class FlowsCommandTests : IDisposable
{
    private static readonly Guid Owner = Guid.CreateVersion7();

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-flows-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task ActivateThenDeactivate_WebhookFlow_SetsTheFlagAndPrintsTheHookPath()
    {
        var flowId = await SaveAsync(new FlowBuilder("hook").Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "immediately" }).ToJson());

        var (activated, activeOutput, _) = await RunAsync("flows", "activate", flowId.ToString(), "--data", _folder.FullName);
        var activeAfter = await ActiveAsync(flowId);
        var (deactivated, inactiveOutput, _) = await RunAsync("flows", "deactivate", flowId.ToString(), "--data", _folder.FullName);
        var inactiveAfter = await ActiveAsync(flowId);

        Assert.Equal(0, activated);
        Assert.Contains($"Flow {flowId} is active.", activeOutput, StringComparison.Ordinal);
        Assert.Matches("webhook 'hook': /hooks/[0-9A-Za-z]{32}", activeOutput);
        Assert.True(activeAfter);
        Assert.Equal(0, deactivated);
        Assert.Contains($"Flow {flowId} is inactive.", inactiveOutput, StringComparison.Ordinal);
        Assert.False(inactiveAfter);
    }

    [Fact]
    public async Task Activate_UnknownFlowOrManualTriggerOnly_ExitsOneSayingWhy()
    {
        var manual = await SaveAsync(new FlowBuilder().Node("trigger", "trigger.manual").ToJson());

        var (unknown, _, unknownError) = await RunAsync("flows", "activate", Guid.NewGuid().ToString(), "--data", _folder.FullName);
        var (nothing, _, nothingError) = await RunAsync("flows", "activate", manual.ToString(), "--data", _folder.FullName);
        var (notAnId, _, _) = await RunAsync("flows", "activate", "not-an-id", "--data", _folder.FullName);

        Assert.Equal(1, unknown);
        Assert.Contains("was not found", unknownError, StringComparison.Ordinal);
        Assert.Equal(1, nothing);
        Assert.Contains("nothing to activate", nothingError, StringComparison.Ordinal);
        Assert.Equal(FlowForgeCli.UsageError, notAnId);
        Assert.False(await ActiveAsync(manual));
    }

    private async Task<Guid> SaveAsync(string json)
    {
        await using var storage = Open();
        await storage.MigrateAsync(CancellationToken.None);
        return (await storage.CreateAsync(Owner, "flow", json, CancellationToken.None)).Id;
    }

    private async Task<bool> ActiveAsync(Guid flowId)
    {
        await using var storage = Open();
        return (await storage.GetActivationAsync(flowId, Owner, CancellationToken.None))!.Active;
    }

    private SqlStorage Open() => SqlStorage.Create(new SqlStorageOptions { DataDirectory = _folder.FullName }, TimeProvider.System);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await FlowForgeCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
