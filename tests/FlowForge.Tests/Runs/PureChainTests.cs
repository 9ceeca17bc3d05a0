using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>Pure nodes run one after another in a local chain and their completions are written together.</summary>
public sealed class PureChainTests
{
    private static readonly string[] Steps = ["p1", "p2", "p3"];

    [Fact]
    public async Task HandleAsync_LinearChainOfTenSets_WritesTheTenCompletionsInOneOperation()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var flow = new FlowBuilder("ten sets").Node("trigger", "trigger.manual");
        var previous = "trigger";
        for (var i = 1; i <= 10; i++)
        {
            // Each reads the run input and the node before it (handed over in memory in the chain).
            var values = new JsonObject { ["step"] = i, ["seed"] = "{{ input.seed }}" };
            if (i > 1)
            {
                values["previous"] = $"{{{{ nodes.n{i - 1}.output.step }}}}";
            }

            flow.Node($"n{i}", "core.set", new JsonObject { ["values"] = values }).Edge(previous, $"n{i}");
            previous = $"n{i}";
        }

        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(flow.ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var completion = Assert.Single(await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 1));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"n{i}"), completion);
        // n1 was claimed with the run: two writes in all, the run and the ten completions.
        Assert.Empty(harness.Services.GetRequiredService<RecordingRunStore>().ClaimsOf(runId));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Single(n.Attempts));
        var last = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "n10").OutputJson!)!;
        Assert.Equal((10, 7, 9), ((int)last["step"]!, (int)last["seed"]!, (int)last["previous"]!));
    }

    [Fact]
    public async Task HandleAsync_LocalChainStepsReached_WritesThePureChainThereAndGoesOn()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => (o.LocalChainSteps, o.PureStartNodes) = (1, 0), services: RecordingRunStore.Register);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(PureFlow().ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal([["p1", "p2"], ["p3"]], await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 2));
        Assert.True(JsonNode.DeepEquals(Expected(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "p3").OutputJson!)));
    }

    [Fact]
    public async Task HandleAsync_ImpureNodeBetweenPureOnes_IsCommittedBeforeItsSuccessorRuns()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("impure between")
            .Node("trigger", "trigger.manual").Node("p1", "test.pureStep", new JsonObject { ["tag"] = "p1" }).Node("s", "test.script")
            .Node("p2", "test.pureStep", new JsonObject { ["tag"] = "p2" }).Node("p3", "test.pureStep", new JsonObject { ["tag"] = "p3" })
            .Chain("trigger", "p1", "s", "p2", "p3").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var recorder = harness.Services.GetRequiredService<RecordingRunStore>();
        Assert.Equal([["p1"], ["s"], ["p2", "p3"]], await recorder.CompletionsOfAsync(runId, 3));
        var written = recorder.Completions.Where(c => c.RunId == runId).ToDictionary(c => c.Nodes[^1], c => c.CommittedAt);
        // The impure node ran after the pure node before it was written, and the pure node after it ran once it was written.
        Assert.True(written["p1"] <= harness.Journal.Only(runId, "s").Started, "s ran before p1's completion was written");
        Assert.True(written["s"] <= Assert.Single(PureStepNode.StartsOf(runId, "p2")), "p2 ran before s's completion was written");
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
    }

    [Fact]
    public async Task HandleAsync_PureNodeFailsMidChain_ChainBeforeItIsWrittenAndItFailsOnItsOwnClaim()
    {
        await using var harness = await EngineHarness.StartAsync(configure: WorkerRegions, services: RecordingRunStore.Register);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("failing pure")
            .Node("trigger", "trigger.manual").Node("p1", "test.pureStep", new JsonObject { ["tag"] = "p1" })
            .Node("p2", "test.pureStep", new JsonObject { ["tag"] = "p2", ["fail"] = true }).Node("p3", "test.pureStep", new JsonObject { ["tag"] = "p3" })
            .Chain("trigger", "p1", "p2", "p3").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal([["p1"], ["p2"]], await harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOfAsync(runId, 2));
        Assert.Equal((NodeStatus.Succeeded, 1), run.Nodes.Single(n => n.NodeId == "p1") is var p1 ? (p1.Status, p1.Attempt) : default);
        var p2 = run.Nodes.Single(n => n.NodeId == "p2");
        Assert.Equal((NodeStatus.Failed, 1), (p2.Status, p2.Attempt));
        Assert.Single(p2.Attempts);
        Assert.Contains("step p2 fails", p2.Error, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Cancelled, run.Nodes.Single(n => n.NodeId == "p3").Status);
        Assert.Empty(PureStepNode.StartsOf(runId, "p3"));
    }

    [Fact]
    public async Task Restart_WorkerStopsMidPureChain_ResumesFromTheLastCommittedNodeWithTheSameResult()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-pure-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, WorkerRegions))
            {
                var flowId = await first.CreateFlowAsync(PureFlow(holdAt: "p2").ToJson());
                runId = await first.StartRunAsync(flowId, new JsonObject { ["seed"] = 7 });
                await FlowForge.Testing.Eventually.TrueAsync(() => Task.FromResult(PureStepNode.StartsOf(runId, "p2").Count == 1), "p2 running in the chain");

                // p1 ran and p2 runs, without a commit since p1's claim: nothing of the chain is written yet.
                var during = (await first.GetRunAsync(runId))!;
                Assert.Equal((NodeStatus.Running, 1), during.Nodes.Single(n => n.NodeId == "p1") is var p1 ? (p1.Status, p1.Attempt) : default);
                Assert.Equal(NodeStatus.Pending, during.Nodes.Single(n => n.NodeId == "p2").Status);
                Assert.Single(PureStepNode.StartsOf(runId, "p1"));
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            // The chain ran again from p1, the last node committed (as claimed), with the same result as a run without a stop.
            Assert.Equal(2, PureStepNode.StartsOf(runId, "p1").Count);
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "p1").Attempt);
            Assert.All(Steps.Skip(1), id => Assert.Equal((NodeStatus.Succeeded, 1), run.Nodes.Single(n => n.NodeId == id) is var n ? (n.Status, n.Attempt) : default));
            Assert.True(JsonNode.DeepEquals(Expected(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "p3").OutputJson!)), run.Nodes.Single(n => n.NodeId == "p3").OutputJson);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    private static FlowBuilder PureFlow(string? holdAt = null)
    {
        var flow = new FlowBuilder("pure chain").Node("trigger", "trigger.manual");
        foreach (var id in Steps)
        {
            flow.Node(id, "test.pureStep", new JsonObject { ["tag"] = id, ["holdFirst"] = id == holdAt });
        }

        return flow.Chain(["trigger", .. Steps]);
    }

    private static JsonNode Expected() =>
        new JsonObject { ["tag"] = "p3", ["input"] = new JsonObject { ["tag"] = "p2", ["input"] = new JsonObject { ["tag"] = "p1", ["input"] = new JsonObject { ["seed"] = 7 } } } };

    // The worker's chains and regions: the run's write leaves its nodes to the worker (no pure nodes run before it).
    private static void WorkerRegions(EngineOptions options) => options.PureStartNodes = 0;
}
