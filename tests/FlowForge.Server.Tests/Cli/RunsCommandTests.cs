using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Runs;
using FlowForge.Server.Cli;
using FlowForge.Server.Tests.Testing;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Tests.Cli;

public sealed partial class RunsCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-runs-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private string Data => Path.Combine(_folder.FullName, "data");

    private string Write(string name, JsonObject flow)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, flow.ToJsonString());
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await FlowForgeCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"flowforge runs retry (?<id>[0-9a-f-]{36}) --data")]
    private static partial Regex RetryHint();

    [Fact]
    public async Task Retry_RunFailedInDataFolder_RunsFailedNodeAgainAndKeepsTheRest()
    {
        var flow = Flows.Chain("fails", ("boom", "core.error", new JsonObject { ["message"] = "nope" }));
        var (firstExit, _, firstError) = await RunAsync("run", Write("fails.flow.json", flow), "--data", Data);
        Assert.Equal(1, firstExit);
        var runId = Guid.Parse(RetryHint().Match(firstError).Groups["id"].Value);

        var (exit, output, error) = await RunAsync("runs", "retry", runId.ToString(), "--data", Data);

        Assert.Equal(1, exit);
        Assert.Contains($"Retrying run {runId}", output, StringComparison.Ordinal);
        Assert.Contains("nope", error, StringComparison.Ordinal);
        await using var store = SqlStorage.Create(new SqlStorageOptions { DataDirectory = Data }, TimeProvider.System);
        var run = await store.GetRunAsync(runId, null, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((RunStatus.Failed, 2), (run.Status, run.Attempt));
        Assert.Single(run.Nodes.Single(n => n.NodeId == "trigger").Attempts);
        Assert.Equal([1, 2], run.Nodes.Single(n => n.NodeId == "boom").Attempts.Select(a => a.Attempt));
    }

    [Fact]
    public async Task Retry_SucceededOrUnknownRun_ExitsOneSayingWhy()
    {
        var (firstExit, _, _) = await RunAsync("run", Write("ok.flow.json", Flows.Diamond()), "--data", Data);
        Assert.Equal(0, firstExit);
        Guid succeeded;
        await using (var store = SqlStorage.Create(new SqlStorageOptions { DataDirectory = Data }, TimeProvider.System))
        {
            var flows = await store.ListAsync(Guid.Empty, new Engine.Storage.PageRequest(1, null), null, CancellationToken.None);
            succeeded = (await store.ListRunsAsync(flows.Items[0].Id, Guid.Empty, new Engine.Storage.PageRequest(1, null), CancellationToken.None)).Items[0].Id;
        }

        var (exit, _, error) = await RunAsync("runs", "retry", succeeded.ToString(), "--data", Data);
        var (unknownExit, _, unknownError) = await RunAsync("runs", "retry", Guid.NewGuid().ToString(), "--data", Data);
        var (badExit, _, badError) = await RunAsync("runs", "retry", "not-a-guid", "--data", Data);

        Assert.Equal(1, exit);
        Assert.Contains("only a Failed or Cancelled run can be retried", error, StringComparison.Ordinal);
        Assert.Equal(1, unknownExit);
        Assert.Contains("is not in the store", unknownError, StringComparison.Ordinal);
        Assert.Equal(FlowForgeCli.UsageError, badExit);
        Assert.Contains("not-a-guid", badError, StringComparison.Ordinal);
    }
}
