using System.Text.Json.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>A completion claims one child it makes Ready and the worker runs it next, without the queue.</summary>
public sealed class LocalChainTests
{
    private static readonly string[] Linear = ["trigger", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"];

    private static readonly string[] AroundTheWait = ["a", "b", "c"];

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 5)]
    [InlineData(4, 2)]
    [InlineData(16, 1)]
    public async Task HandleAsync_LinearChainOfTen_GoesThroughTheQueueOncePerLocalChainStepsPlusOne(int steps, int messages)
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => { o.LocalChainSteps = steps; o.ClaimAtStart = false; }, services: CountingWorkQueue.Register);
        var flowId = await harness.CreateFlowAsync(LinearFlow().ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var published = harness.Services.GetRequiredService<CountingWorkQueue>().For(runId);
        Assert.Equal(messages, published.Count);
        // The trigger ended as the run was written: the chain starts at n1.
        Assert.Equal(messages, (Linear.Length - 1 + steps) / (steps + 1));
        Assert.Equal("n1", published[0].NodeId);
        Assert.All(Linear.Skip(1), id => Assert.Single(harness.Journal.For(runId, id)));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));

        // Each node saw its parent's output as its input, whether it was handed over in memory or read back.
        for (var i = 2; i < Linear.Length; i++)
        {
            var output = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == Linear[i]).OutputJson!)!;
            Assert.Equal(Linear[i - 1], (string?)output["input"]!["node"]);
        }

        var first = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "n1").OutputJson!)!;
        Assert.Equal(7, (int?)first["input"]!["seed"]);
    }

    [Fact]
    public async Task HandleAsync_DiamondOfImpureBranches_OneBranchRunsLocallyAndTheOtherGoesThroughTheQueue()
    {
        // Branches that are not pure spread across workers (pure ones run together in memory: PureRegionTests).
        await using var harness = await EngineHarness.StartAsync(configure: FromTheQueue, services: CountingWorkQueue.Register);
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond(bType: "test.script", cType: "test.script").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var published = harness.Services.GetRequiredService<CountingWorkQueue>().For(runId);
        Assert.Equal(2, published.Count);
        Assert.Equal((WorkKind.ExecuteNode, "a"), (published[0].Kind, published[0].NodeId));
        Assert.True(published[1].NodeId is "b" or "c", $"the queued branch is {published[1].NodeId}");

        // The join ran after whichever branch ended last, with both branches' outputs.
        var join = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)!;
        Assert.Equal("b", (string?)join["b"]!["node"]);
        Assert.Equal("c", (string?)join["c"]!["node"]);
    }

    [Fact]
    public async Task HandleAsync_WaitInTheMiddleOfAChain_ParksAndTheChainGoesOnAfterIt()
    {
        await using var harness = await EngineHarness.StartAsync(configure: FromTheQueue, services: CountingWorkQueue.Register);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("wait in a chain")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Node("pause", "core.wait", new JsonObject { ["ms"] = 200 })
            .Node("b", "test.script").Node("c", "test.script").Chain("trigger", "a", "pause", "b", "c").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        // The first node after the trigger (which ended as the run was written), then the wait's timer; b and c follow
        // the wait on the worker that ended it.
        var published = harness.Services.GetRequiredService<CountingWorkQueue>().For(runId);
        Assert.Equal(["a", "pause"], published.Select(m => m.NodeId));
        Assert.All(AroundTheWait, id => Assert.Single(harness.Journal.For(runId, id)));
        Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "pause").Attempt);
    }

    [Fact]
    public async Task HandleAsync_ChainedNodeFailsWithRetries_RetriesOnItsTimerAndFailsTheRunOnce()
    {
        await using var harness = await EngineHarness.StartAsync(configure: FromTheQueue, services: CountingWorkQueue.Register);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("failing chain")
            .Node("trigger", "trigger.manual").Node("a", "test.script")
            .Node("flaky", "test.script", new JsonObject { ["failTimes"] = 1, ["retryable"] = true })
            .Node("broken", "test.script", new JsonObject { ["failAlways"] = true }).Node("never", "test.script")
            .Data("flaky", "retry", new JsonObject { ["maxAttempts"] = 2, ["delayMs"] = 10 })
            .Chain("trigger", "a", "flaky", "broken", "never").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "flaky").Attempt);
        Assert.Equal(NodeStatus.Failed, run.Nodes.Single(n => n.NodeId == "broken").Status);
        Assert.Equal(NodeStatus.Cancelled, run.Nodes.Single(n => n.NodeId == "never").Status);
        Assert.Empty(harness.Journal.For(runId, "never"));
        Assert.Contains("Node 'broken' failed", run.Error, StringComparison.Ordinal);
        var published = harness.Services.GetRequiredService<CountingWorkQueue>().For(runId);
        Assert.Equal(["a", "flaky"], published.Select(m => m.NodeId));
    }

    [Fact]
    public async Task HandleAsync_MessagesForAChainedNodeDeliveredWhileItRuns_RunNothingTwice()
    {
        await using var harness = await EngineHarness.StartAsync(configure: FromTheQueue, services: CountingWorkQueue.Register);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("duplicates")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Node("slow", "test.script", new JsonObject { ["sleepMs"] = 1_000 })
            .Node("after", "test.script").Chain("trigger", "a", "slow", "after").ToJson());
        var flow = await harness.Services.GetRequiredService<IFlowStore>().GetAsync(flowId, EngineHarness.Owner, null, CancellationToken.None);
        var executor = harness.Services.GetRequiredService<NodeExecutor>();
        var runId = await harness.StartRunAsync(flowId);
        await FlowForge.Testing.Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == "slow").Status == NodeStatus.Running, "node slow running");

        // Every message the chained node could have had (any version it passed through), delivered while it runs and after.
        for (var version = 0; version <= 4; version++)
        {
            await executor.HandleAsync(new WorkMessage(WorkKind.ExecuteNode, runId, "slow", version, flowId, flow!.Version), CancellationToken.None);
        }

        var run = await harness.WaitForRunAsync(runId);
        for (var version = 0; version <= 4; version++)
        {
            await executor.HandleAsync(new WorkMessage(WorkKind.ExecuteNode, runId, "after", version, flowId, flow!.Version), CancellationToken.None);
        }

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(harness.Journal.For(runId, "slow"));
        Assert.Single(harness.Journal.For(runId, "after"));
        Assert.All((await harness.GetRunAsync(runId))!.Nodes, n => Assert.Equal(1, n.Attempt));
    }

    [Fact]
    public async Task Restart_WorkerStopsWhileAChainedNodeRuns_ResumesFromTheLastCommittedNode()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-chain-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, FromTheQueue, services: CountingWorkQueue.Register))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("crash mid-chain")
                    .Node("trigger", "trigger.manual").Node("a", "test.script")
                    .Node("slow", "test.script", new JsonObject { ["sleepMs"] = 60_000, ["sleepFirstAttemptOnly"] = true })
                    .Node("after", "test.script").Chain("trigger", "a", "slow", "after").ToJson());
                runId = await first.StartRunAsync(flowId);
                await FlowForge.Testing.Eventually.TrueAsync(
                    async () => (await first.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == "slow") is { Status: NodeStatus.Running, Attempt: 1 },
                    "node slow running its first attempt");

                // slow was claimed with a's completion: it never had a message.
                Assert.Equal(["a"], first.Services.GetRequiredService<CountingWorkQueue>().For(runId).Select(m => m.NodeId));
                Assert.Single(first.Journal.For(runId, "a"));
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Empty(second.Journal.For(runId, "a"));
            Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "a").Attempt);
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "slow").Attempt);
            Assert.Single(second.Journal.For(runId, "after"));
            var after = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "after").OutputJson!)!;
            Assert.Equal("slow", (string?)after["input"]!["node"]);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    // The chains here start at a node a worker took from the queue; StartClaimTests covers the one claimed with the run.
    private static void FromTheQueue(EngineOptions options) => options.ClaimAtStart = false;

    private static FlowBuilder LinearFlow()
    {
        var flow = new FlowBuilder("linear ten").Node("trigger", "trigger.manual");
        foreach (var id in Linear.Skip(1))
        {
            flow.Node(id, "test.script");
        }

        return flow.Chain(Linear);
    }
}
