using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Server.Tests.Testing;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Tests.Cli;

public sealed partial class RunsCommandTests
{
    private const string BodyPlaceholder = "0c0ffee0-0000-4000-8000-000000000001";

    [GeneratedRegex(@"^  each\[(?<index>\d+)\]  run (?<id>[0-9a-f-]{36})  (?<status>\w+)", RegexOptions.Multiline)]
    private static partial Regex ChildLine();

    [Fact]
    public async Task Show_ForEachRunWithSubflow_PrintsChildrenAndEachChildPrintsItsParent()
    {
        var body = Write("body.flow.json", Flows.Chain("body", ("echo", "core.set", new JsonObject { ["values"] = new JsonObject { ["item"] = "{{ input.item }}" } })));
        var parent = Write("parent.flow.json", Flows.Chain("parent", ("each", "core.forEach", new JsonObject
        {
            ["items"] = "{{ input.items }}",
            ["flowId"] = BodyPlaceholder,
        })));
        var (runExit, _, runError) = await RunAsync("run", parent, "--subflow", $"{BodyPlaceholder}={body}", "--input", "{\"items\":[\"x\",\"y\"]}", "--data", Data);
        Assert.True(runExit == 0, runError);
        Guid runId;
        await using (var store = SqlStorage.Create(new SqlStorageOptions { DataDirectory = Data }, TimeProvider.System))
        {
            var flows = await store.ListAsync(Guid.Empty, new Engine.Storage.PageRequest(10, null), null, CancellationToken.None);
            var parentFlow = flows.Items.Single(f => f.Name == "parent");
            runId = (await store.ListRunsAsync(parentFlow.Id, Guid.Empty, new Engine.Storage.PageRequest(1, null), CancellationToken.None)).Items[0].Id;
        }

        var (exit, output, error) = await RunAsync("runs", "show", runId.ToString(), "--data", Data);

        Assert.True(exit == 0, error);
        Assert.Contains($"Run {runId}: Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("Children (2):", output, StringComparison.Ordinal);
        var children = ChildLine().Matches(output).Select(m => (Index: int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture), Id: m.Groups["id"].Value, Status: m.Groups["status"].Value)).ToList();
        Assert.Equal([(0, "Succeeded"), (1, "Succeeded")], children.Select(c => (c.Index, c.Status)));

        var (childExit, childOutput, _) = await RunAsync("runs", "show", children[1].Id, "--data", Data);

        Assert.Equal(0, childExit);
        Assert.Contains($"Parent: run {runId}, node 'each', item 1", childOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SubflowArgumentWithoutId_ExitsWithUsageErrorSayingTheShape()
    {
        var parent = Write("parent.flow.json", Flows.Diamond());

        var (exit, _, error) = await RunAsync("run", parent, "--subflow", "body.flow.json", "--data", Data);

        Assert.Equal(2, exit);
        Assert.Contains("--subflow takes ID=FILE", error, StringComparison.Ordinal);
    }
}
