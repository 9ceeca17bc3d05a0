using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>A trigger that passes the run input on ends in the transaction that writes the run.</summary>
public sealed class TriggerAtStartTests
{
    [Fact]
    public async Task StartAsync_ManualTrigger_RunIsWrittenWithTheTriggerSucceededAndItsChildReady()
    {
        // No worker runs: whatever the run's rows say came from the start alone.
        await using var harness = await EngineHarness.StartAsync(start: false);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("at start")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Node("b", "test.script").Chain("trigger", "a", "b").ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 42, ["tag"] = "<x>" });
        var run = (await harness.GetRunAsync(runId))!;

        Assert.Equal(RunStatus.Running, run.Status);
        Assert.NotNull(run.StartedAt);
        var trigger = run.Nodes.Single(n => n.NodeId == "trigger");
        Assert.Equal((NodeStatus.Succeeded, 1), (trigger.Status, trigger.Attempt));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(run.InputJson), JsonNode.Parse(trigger.OutputJson!)), trigger.OutputJson);
        var attempt = Assert.Single(trigger.Attempts);
        Assert.Equal(NodeStatus.Succeeded, attempt.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(run.InputJson), JsonNode.Parse(attempt.InputJson!)), attempt.InputJson);
        Assert.Equal(NodeStatus.Ready, run.Nodes.Single(n => n.NodeId == "a").Status);
        Assert.Equal(NodeStatus.Pending, run.Nodes.Single(n => n.NodeId == "b").Status);
        Assert.Empty(harness.Journal.For(runId, "a"));
    }

    [Fact]
    public async Task StartAsync_ManualTriggerThenWorker_RunSucceedsWithTheInputPassedOn()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("at start, then run")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Chain("trigger", "a").ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 42 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var a = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "a").OutputJson!)!;
        Assert.Equal(42, (int?)a["input"]!["order"]);
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
    }

    [Fact]
    public async Task StartAsync_TriggerThatDoesNotSayItPassesTheInputOn_IsLeftReadyForAWorker()
    {
        await using var harness = await EngineHarness.StartAsync(start: false);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("event")
            .Node("trigger", "test.event").Node("a", "test.script").Chain("trigger", "a").ToJson());

        var runId = await harness.StartRunAsync(flowId, trigger: "trigger");
        var run = (await harness.GetRunAsync(runId))!;

        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Equal(NodeStatus.Ready, run.Nodes.Single(n => n.NodeId == "trigger").Status);
        Assert.Equal(NodeStatus.Pending, run.Nodes.Single(n => n.NodeId == "a").Status);
    }

    [Fact]
    public async Task StartAsync_SameIdempotencyKeyTwice_OneRunWithOneTriggerAttempt()
    {
        await using var harness = await EngineHarness.StartAsync(start: false);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("twice")
            .Node("trigger", "trigger.manual").Node("a", "test.script").Chain("trigger", "a").ToJson());

        var first = await harness.StartRunAsync(flowId, new JsonObject { ["n"] = 1 }, idempotencyKey: "once");
        var second = await harness.StartRunAsync(flowId, new JsonObject { ["n"] = 2 }, idempotencyKey: "once");
        var run = (await harness.GetRunAsync(first))!;

        Assert.Equal(first, second);
        Assert.Single(run.Nodes.Single(n => n.NodeId == "trigger").Attempts);
        Assert.Equal(1, (int?)JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "trigger").OutputJson!)!["n"]);
    }
}
