using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>The write that creates a run claims the trigger's first child for this process, which runs it at once.</summary>
public sealed class StartClaimTests
{
    private static readonly string[] Fanned = ["a", "b"];

    [Fact]
    public async Task StartAsync_WorkerRunsHere_TheTriggersChildIsClaimedWithTheRunAndRunsWithoutAMessage()
    {
        await using var harness = await EngineHarness.StartAsync(services: Recording);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("claimed at start")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Node("b", "test.script").Chain("trigger", "a", "b").ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 42 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        // Three writes in all: the run with its trigger and a's claim, a's completion claiming b, b's completion.
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.Empty(harness.Services.GetRequiredService<RecordingRunStore>().ClaimsOf(runId));
        Assert.Equal([["a"], ["b"]], await CompletionsAsync(harness, runId, 2));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        var a = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "a").OutputJson!)!;
        Assert.Equal(42, (int?)a["input"]!["order"]);
        Assert.Single(harness.Journal.For(runId, "a"));
    }

    [Fact]
    public async Task StartAsync_TriggerWithTwoChildren_ClaimsOneAndTheOtherGoesThroughTheQueue()
    {
        await using var harness = await EngineHarness.StartAsync(services: Recording);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("fan out at start")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Node("b", "test.script")
            .Edge("trigger", "a").Edge("trigger", "b").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var queued = Assert.Single(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId)).NodeId;
        Assert.Equal([queued], harness.Services.GetRequiredService<RecordingRunStore>().ClaimsOf(runId));
        Assert.Contains(queued, Fanned);
        Assert.All(Fanned, id => Assert.Single(harness.Journal.For(runId, id)));
    }

    [Fact]
    public async Task StartAsync_DiamondOfPureNodesWithPureStartOff_TwoWriteOperationsNoMessageAndNoClaimFromTheQueue()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.PureStartNodes = 0, services: Recording);
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond(
            new JsonObject { ["values"] = new JsonObject { ["from"] = "b" } }, new JsonObject { ["values"] = new JsonObject { ["from"] = "c" } }, "core.set", "core.set").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        // The run (with the trigger and a's claim), then a, b, c and d written together as one pure region: two writes,
        // where claiming a from the queue and writing each node made seven.
        Assert.Equal([["a", "b", "c", "d"]], await CompletionsAsync(harness, runId, 1));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.Empty(store.ClaimsOf(runId));
        var join = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)!;
        Assert.Equal(("b", "c"), ((string?)join["b"]!["from"], (string?)join["c"]!["from"]));
    }

    [Fact]
    public async Task StartAsync_NoExecutionSlotFree_TheChildWaitsReadyWithItsMessage()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.WorkerParallelism = 1, services: Recording);
        var slots = harness.Services.GetRequiredService<ExecutionSlots>();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("no slot")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Chain("trigger", "a").ToJson());
        Assert.True(slots.TryTake());
        Guid runId;
        try
        {
            runId = await harness.StartRunAsync(flowId);

            // a's message is published behind the answer; the queue consumer takes it and waits for the slot this test holds.
            await FlowForge.Testing.Eventually.TrueAsync(
                () => Task.FromResult(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Any(m => m.NodeId == "a")), "a's message published");
            Assert.Equal(NodeStatus.Ready, (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "a").Status);
            Assert.Empty(harness.Journal.For(runId, "a"));
        }
        finally
        {
            slots.Release();
        }

        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["a"], harness.Services.GetRequiredService<RecordingRunStore>().ClaimsOf(runId));
    }

    [Fact]
    public async Task StartAsync_ProcessExecutesNoWork_TheChildIsLeftReadyWithItsMessage()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.ExecuteWork = false, services: Recording);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("api role")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Chain("trigger", "a").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        await FlowForge.Testing.Eventually.TrueAsync(
            () => harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Count > 0, "a message published");
        var run = (await harness.GetRunAsync(runId))!;

        Assert.Equal(["a"], harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Select(m => m.NodeId));
        Assert.Equal(NodeStatus.Ready, run.Nodes.Single(n => n.NodeId == "a").Status);
        Assert.Empty(harness.Journal.For(runId, "a"));
    }

    [Fact]
    public async Task StartAsync_ClaimAtStartOff_TheChildGoesThroughTheQueue()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.ClaimAtStart = false, services: Recording);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("off")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Chain("trigger", "a").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["a"], harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Select(m => m.NodeId));
        Assert.Equal(["a"], harness.Services.GetRequiredService<RecordingRunStore>().ClaimsOf(runId));
    }

    [Fact]
    public async Task Restart_WorkerStopsWhileTheNodeClaimedAtStartRuns_ItIsTakenOverAndRunsOnceMore()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-start-claim-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, services: CountingWorkQueue.Register))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("crash after the start")
                    .Node("trigger", "trigger.manual")
                    .Node("slow", "test.script", new JsonObject { ["sleepMs"] = 60_000, ["sleepFirstAttemptOnly"] = true })
                    .Node("after", "test.script").Chain("trigger", "slow", "after").ToJson());
                runId = await first.StartRunAsync(flowId, new JsonObject { ["order"] = 7 });
                await FlowForge.Testing.Eventually.TrueAsync(
                    async () => (await first.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == "slow") is { Status: NodeStatus.Running, Attempt: 1 },
                    "node slow running its first attempt");

                // slow was claimed with the run's creation: it never had a message.
                Assert.Empty(first.Services.GetRequiredService<CountingWorkQueue>().For(runId));
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal((NodeStatus.Succeeded, 1), (run.Nodes.Single(n => n.NodeId == "trigger").Status, run.Nodes.Single(n => n.NodeId == "trigger").Attempt));
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "slow").Attempt);
            Assert.Single(second.Journal.For(runId, "slow"));
            Assert.Single(second.Journal.For(runId, "after"));
            var slow = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "slow").OutputJson!)!;
            Assert.Equal(7, (int?)slow["input"]!["order"]);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    // A completion is recorded once the store returned, which can be just after the run reads as finished.
    private static Task<IReadOnlyList<string[]>> CompletionsAsync(EngineHarness harness, Guid runId, int count) =>
        FlowForge.Testing.Eventually.MatchesAsync(
            () => harness.Services.GetRequiredService<RecordingRunStore>().CompletionsOf(runId), c => c.Count >= count, $"{count} completions recorded");

    private static void Recording(IServiceCollection services)
    {
        CountingWorkQueue.Register(services);
        RecordingRunStore.Register(services);
    }
}
