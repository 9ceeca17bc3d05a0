using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FlowForge.Tests.Testing.PureFlows;

namespace FlowForge.Tests.Runs;

/// <summary>Pure nodes past a fan-out and into a join run in memory on one worker and their completions are written together.</summary>
public sealed class PureRegionTests
{

    [Fact]
    public async Task HandleAsync_DiamondOfPureNodes_WritesTheFourCompletionsInOneOperation()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow().ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        // The run with its trigger, a's claim, then this one write: three write operations instead of seven.
        Assert.Equal([Diamond], await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 1));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Single(n.Attempts));
        Assert.True(JsonNode.DeepEquals(ExpectedD(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)), run.Nodes.Single(n => n.NodeId == "d").OutputJson);
    }

    [Fact]
    public async Task HandleAsync_FanOutOfFiftyIntoAJoin_WritesTheRegionInOneOperation()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => (o.LocalChainSteps, o.PureStartNodes) = (64, 0), services: RecordingRunStore.Register);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(FanOutFlow(50).ToJson()));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var written = Assert.Single(await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 1));
        Assert.Equal(["a", .. Enumerable.Range(0, 50).Select(i => $"p{i}"), "join"], written);
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        var join = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "join").OutputJson!)!;
        Assert.Equal(50, join["input"]!.AsObject().Count);
    }

    [Fact]
    public async Task HandleAsync_FanOutPastLocalChainSteps_WritesTheRegionThereAndTheRestGoesThroughTheQueue()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(FanOutFlow(50).ToJson()));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var written = await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 1 + 34 + 1);
        // a and the first 16 branches in one write (Engine:LocalChainSteps = 16), each other branch alone, and the join.
        Assert.Equal(["a", .. Enumerable.Range(0, 16).Select(i => $"p{i}")], written[0]);
        Assert.Equal(1 + 34 + 1, written.Count);
        Assert.Equal(["join"], written[^1]);
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
    }

    [Fact]
    public async Task HandleAsync_BranchesAndSkipsInsideTheRegion_EndWithTheStatusesOfARunWithoutChaining()
    {
        var json = BranchFlow().ToJson();
        RunView chained;
        IReadOnlyList<string[]> written;
        await using (var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register))
        {
            var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(json), new JsonObject { ["go"] = true });
            chained = await harness.WaitForRunAsync(runId);
            written = await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 2);
        }

        var plain = await PlainBranchRunAsync(json);

        // check fires "true": the region goes on through yes, the other branch is skipped down to the join, which the
        // store makes Ready and the region's write claims.
        Assert.Equal([["a", "check", "yes", "fork", "left", "right", "both"], ["join"]], written);
        AssertEndedAsPlain(plain, chained);
    }

    [Fact]
    public async Task HandleAsync_PureNodeFailsMidRegion_RegionBeforeItIsWrittenAndItFailsOnItsOwnClaim()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow(failAt: "c").ToJson()));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        // c was made Ready by a's completion, not by b's, the last one written: the write claims it by name.
        Assert.Equal([["a", "b"], ["c"]], await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 2));
        AssertFailedAtC(run);
    }

    [Fact]
    public async Task Restart_WorkerStopsMidPureRegion_ResumesFromTheLastCommittedNodeWithTheSameResult()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-region-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, WorkerRegions))
            {
                runId = await first.StartRunAsync(await first.CreateFlowAsync(DiamondFlow(holdAt: "c").ToJson()), new JsonObject { ["seed"] = 7 });
                await FlowForge.Testing.Eventually.TrueAsync(() => Task.FromResult(PureStepNode.StartsOf(runId, "c").Count == 1), "c running in the region");

                // a and b ran and c runs, without a commit since a's claim: nothing of the region is written yet.
                var during = (await first.GetRunAsync(runId))!;
                Assert.Equal((NodeStatus.Running, 1), during.Nodes.Single(n => n.NodeId == "a") is var a ? (a.Status, a.Attempt) : default);
                Assert.All(["b", "c", "d"], id => Assert.Equal(NodeStatus.Pending, during.Nodes.Single(n => n.NodeId == id).Status));
                Assert.Single(PureStepNode.StartsOf(runId, "b"));
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            // The region ran again from a, the last node committed (as claimed), with the same result as a run without a stop.
            Assert.Equal(2, PureStepNode.StartsOf(runId, "a").Count);
            Assert.Equal(2, PureStepNode.StartsOf(runId, "b").Count);
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "a").Attempt);
            Assert.All(["b", "c", "d"], id => Assert.Equal((NodeStatus.Succeeded, 1), run.Nodes.Single(n => n.NodeId == id) is var n ? (n.Status, n.Attempt) : default));
            Assert.True(JsonNode.DeepEquals(ExpectedD(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)), run.Nodes.Single(n => n.NodeId == "d").OutputJson);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    private static FlowBuilder FanOutFlow(int branches)
    {
        var flow = new FlowBuilder("pure fan-out").Node("trigger", "trigger.manual").Node("a", "core.noop").Node("join", "test.pureStep", new JsonObject { ["tag"] = "join" })
            .Edge("trigger", "a");
        for (var i = 0; i < branches; i++)
        {
            flow.Node($"p{i}", "core.noop").Edge("a", $"p{i}").Edge($"p{i}", "join");
        }

        return flow;
    }

    // The worker's chains and regions: the run's write leaves its nodes to the worker (no pure nodes run before it).
    private static void WorkerRegions(EngineOptions options) => options.PureStartNodes = 0;
}
