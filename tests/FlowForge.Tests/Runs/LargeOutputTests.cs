using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>Outputs over Engine:InlineOutputBytes through the real engine: kept in the blob store, read by the nodes after them.</summary>
public sealed class LargeOutputTests
{
    private static readonly string FiveMegabytes = new('x', 5 * 1024 * 1024);

    private static string LargeFlow() => new FlowBuilder("large")
        .Node("trigger", "trigger.manual")
        .Node("a", "core.noop")
        .Node("copy", "core.noop")
        .Node("pick", "core.set", new JsonObject { ["values"] = new JsonObject { ["tag"] = "{{ nodes.a.output.tag }}" } })
        .Edge("trigger", "a").Edge("a", "copy").Edge("a", "pick")
        .ToJson();

    [Fact]
    public async Task Run_FiveMegabyteOutput_IsKeptInTheBlobStoreAndReadByTheNodesAfterIt()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(LargeFlow());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["tag"] = "t-1", ["s"] = FiveMegabytes });
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var a = run.Nodes.Single(n => n.NodeId == "a");
        Assert.Null(a.OutputJson);
        var blob = Assert.IsType<BlobReference>(a.OutputBlob);
        Assert.True(blob.Bytes > FiveMegabytes.Length, $"the blob holds {blob.Bytes} bytes");
        Assert.True(File.Exists(Path.Combine(harness.DataDirectory, "flowforge.db-blobs", runId.ToString("N"), blob.Id.ToString("N") + ".json")));
        Assert.Equal("""{"tag":"t-1"}""", run.Nodes.Single(n => n.NodeId == "pick").OutputJson);
        var copy = run.Nodes.Single(n => n.NodeId == "copy").OutputBlob;
        Assert.NotNull(copy);
        var blobs = harness.Services.GetRequiredService<IBlobStore>();
        var copied = JsonNode.Parse(await blobs.ReadAsync(copy, CancellationToken.None))!;
        Assert.Equal(FiveMegabytes, copied["s"]!.GetValue<string>());
        Assert.Equal(0, harness.Services.GetRequiredService<BlobReads>().Held);
    }

    [Fact]
    public async Task Run_OutputAtInlineOutputBytes_StaysInTheRow()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.InlineOutputBytes = 100);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("edge").Node("trigger", "trigger.manual").Node("a", "core.noop").Edge("trigger", "a").ToJson());
        var exactly = new JsonObject { ["s"] = new string('y', 100 - """{"s":""}""".Length) };

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, exactly));

        var a = run.Nodes.Single(n => n.NodeId == "a");
        Assert.Equal(exactly.ToJsonString(), a.OutputJson);
        Assert.Equal(100, Encoding.UTF8.GetByteCount(a.OutputJson!));
        Assert.Null(a.OutputBlob);
    }

    [Fact]
    public async Task Run_BlobMissingWhenANodeReadsIt_FailsThatNodeNamingTheOutputItNeeded()
    {
        // No local chaining: a child run after its parent here gets the parent's blob in memory and never reads it.
        await using var harness = await EngineHarness.StartAsync(
            configure: o => (o.InlineOutputBytes, o.LocalChainSteps) = (10, 0),
            services: s => s.AddSingleton<IBlobStore>(sp => new ForgetfulBlobStore(sp.GetRequiredService<ISqlStorage>())));
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("gone").Node("trigger", "trigger.manual").Node("a", "core.noop").Edge("trigger", "a").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["s"] = "more than ten bytes" }));

        Assert.Equal(RunStatus.Failed, run.Status);
        var a = run.Nodes.Single(n => n.NodeId == "a");
        Assert.Equal(NodeStatus.Failed, a.Status);
        Assert.Equal(1, a.Attempt);
        Assert.Contains("The output of node 'trigger'", a.Error, StringComparison.Ordinal);
        Assert.Contains("missing from the blob store", a.Error, StringComparison.Ordinal);
    }

    private static string BlobChain() => new FlowBuilder("blob chain")
        .Node("trigger", "trigger.manual")
        .Node("a", "core.noop")
        .Node("b", "core.noop")
        .Node("end", "core.set", new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ input.n }}" } })
        .Edge("trigger", "a").Edge("a", "b").Edge("b", "end")
        .ToJson();

    [Fact]
    public async Task Run_BlobOutputsChainedOnThisWorker_AreHandedToTheNextNodeWithoutAStoreRead()
    {
        var blobs = new CountingBlobStore();
        await using var harness = await EngineHarness.StartAsync(
            configure: o => o.InlineOutputBytes = 1024, services: s => s.AddSingleton<IBlobStore>(blobs));
        var flowId = await harness.CreateFlowAsync(BlobChain());

        var run = await harness.WaitForRunAsync(
            await harness.StartRunAsync(flowId, new JsonObject { ["n"] = 7, ["payload"] = new string('x', 100 * 1024) }), TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(["trigger", "a", "b"], id => Assert.NotNull(run.Nodes.Single(n => n.NodeId == id).OutputBlob));
        Assert.Equal("""{"n":7}""", run.Nodes.Single(n => n.NodeId == "end").OutputJson);
        var reads = harness.Services.GetRequiredService<BlobReads>();
        // a and b parse what their parent wrote; end reads only the run input, so b's blob is handed over and never parsed.
        Assert.Equal(0, blobs.Reads);
        Assert.Equal(2, reads.HandedOver);
        Assert.Equal(0, reads.Held);
        var written = JsonNode.Parse(blobs.Read(run.Nodes.Single(n => n.NodeId == "b").OutputBlob!)!)!;
        Assert.Equal(100 * 1024, written["payload"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Run_BlobOutputsWithoutLocalChaining_AreReadFromTheStoreByEachNodeThatUsesThem()
    {
        var blobs = new CountingBlobStore();
        await using var harness = await EngineHarness.StartAsync(
            configure: o => (o.InlineOutputBytes, o.LocalChainSteps) = (1024, 0), services: s => s.AddSingleton<IBlobStore>(blobs));
        var flowId = await harness.CreateFlowAsync(BlobChain());

        var run = await harness.WaitForRunAsync(
            await harness.StartRunAsync(flowId, new JsonObject { ["n"] = 7, ["payload"] = new string('x', 100 * 1024) }), TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""{"n":7}""", run.Nodes.Single(n => n.NodeId == "end").OutputJson);
        Assert.Equal(2, blobs.Reads);
        Assert.Equal(0, harness.Services.GetRequiredService<BlobReads>().HandedOver);
    }

    [Fact]
    public async Task DeleteAsync_FinishedRun_RemovesItsRowsAndItsBlobFolder()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.InlineOutputBytes = 10);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("gone").Node("trigger", "trigger.manual").Node("a", "core.noop").Edge("trigger", "a").ToJson());
        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["s"] = "more than ten bytes" });
        await harness.WaitForRunAsync(runId);
        var folder = Path.Combine(harness.DataDirectory, "flowforge.db-blobs", runId.ToString("N"));
        var filesBefore = Directory.GetFiles(folder).Length;

        var deletion = await harness.Services.GetRequiredService<RunCoordinator>().DeleteAsync(runId, EngineHarness.Owner, CancellationToken.None);

        Assert.Equal(RunDeletion.Deleted, deletion);
        Assert.Equal(2, filesBefore);
        Assert.False(Directory.Exists(folder));
        Assert.Null(await harness.GetRunAsync(runId));
    }
}
