using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Runs;

public sealed class RunCoordinatorTests
{
    private static JsonObject Sleep(int ms) => new() { ["sleepMs"] = ms };

    [Fact]
    public async Task StartAsync_Diamond_EveryNodeSucceedsAndJoinSeesBothBranches()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 42 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(run.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
        Assert.All(run.Nodes, n => Assert.Equal(1, n.Attempt));
        var d = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)!;
        Assert.Equal(42, d["b"]!["order"]!.GetValue<int>());
        Assert.Equal(42, d["c"]!["order"]!.GetValue<int>());
        Assert.NotNull(run.StartedAt);
        Assert.NotNull(run.FinishedAt);
    }

    [Fact]
    public async Task StartAsync_DiamondSiblings_RunConcurrently()
    {
        await using var harness = await EngineHarness.StartAsync();
        // b and c each wait for the other to be executing: run one after the other, neither would meet the other.
        var meet = new JsonObject { ["meetAt"] = "siblings", ["meetCount"] = 2 };
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond(meet, meet.DeepClone(), "test.script", "test.script").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.True(run.Status == RunStatus.Succeeded, string.Join("; ", run.Nodes.Select(n => $"{n.NodeId}: {n.Status} {n.Error}")));
        Assert.Equal("succeeded", harness.Journal.Only(runId, "b").Outcome);
        Assert.Equal("succeeded", harness.Journal.Only(runId, "c").Outcome);
    }

    [Fact]
    public async Task StartAsync_Join_WaitsForAllParents()
    {
        await using var harness = await EngineHarness.StartAsync();
        var json = new FlowBuilder("join")
            .Node("trigger", "trigger.manual")
            .Node("fast", "test.script", Sleep(10))
            .Node("slow", "test.script", Sleep(500))
            .Node("join", "test.script")
            .Edge("trigger", "fast").Edge("trigger", "slow").Edge("fast", "join").Edge("slow", "join")
            .ToJson();
        var flowId = await harness.CreateFlowAsync(json);

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var join = harness.Journal.Only(runId, "join");
        Assert.True(join.Started >= harness.Journal.Only(runId, "slow").Ended);
        Assert.True(join.Started >= harness.Journal.Only(runId, "fast").Ended);
        var input = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "join").OutputJson!)!["input"]!;
        Assert.Equal("slow", input["slow"]!["node"]!.GetValue<string>());
        Assert.Equal("fast", input["fast"]!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartAsync_NodeFails_RunFailsFastAndRunningSiblingIsRecorded()
    {
        // Both children through the queue, started together: run after the trigger on its worker, the failing node
        // would end before its sibling's message is claimed, and the sibling would never start.
        await using var harness = await EngineHarness.StartAsync(configure: o => o.LocalChainSteps = 0);
        var json = new FlowBuilder("fail fast")
            .Node("trigger", "trigger.manual")
            .Node("boom", "core.error", new JsonObject { ["message"] = "card declined" })
            .Node("sibling", "test.script", Sleep(600))
            .Node("after", "test.script")
            .Edge("trigger", "boom").Edge("trigger", "sibling").Edge("sibling", "after")
            .ToJson();
        var flowId = await harness.CreateFlowAsync(json);

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("boom", run.Error, StringComparison.Ordinal);
        Assert.Contains("card declined", run.Error, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Failed, run.Nodes.Single(n => n.NodeId == "boom").Status);

        // The sibling was already running: it finishes and its success is recorded; nothing after it is scheduled.
        await Eventually.MatchesAsync(
            async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "sibling").Status,
            status => status != NodeStatus.Running,
            "the running sibling to finish");

        run = (await harness.GetRunAsync(runId))!;
        Assert.Equal(NodeStatus.Succeeded, run.Nodes.Single(n => n.NodeId == "sibling").Status);
        Assert.Equal(NodeStatus.Cancelled, run.Nodes.Single(n => n.NodeId == "after").Status);
        Assert.Empty(harness.Journal.For(runId, "after"));
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task CancelAsync_RunningRun_StopsExecutionAndCancelsTheRest()
    {
        await using var harness = await EngineHarness.StartAsync();
        var json = new FlowBuilder("long")
            .Node("trigger", "trigger.manual")
            .Node("long", "test.script", Sleep(30_000))
            .Node("next", "test.script")
            .Edge("trigger", "long").Edge("long", "next")
            .ToJson();
        var flowId = await harness.CreateFlowAsync(json);
        var runId = await harness.StartRunAsync(flowId);
        await Eventually.MatchesAsync(
            async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "long").Status,
            status => status == NodeStatus.Running,
            "node long to be running");

        var result = await harness.Services.GetRequiredService<RunCoordinator>().CancelAsync(runId, EngineHarness.Owner, CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(result.Changed);
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(NodeStatus.Cancelled, run.Nodes.Single(n => n.NodeId == "next").Status);
        await Eventually.TrueAsync(() => harness.Journal.For(runId, "long").Count > 0, "the cancelled execution of long to be journalled");

        Assert.Equal("cancelled", harness.Journal.Only(runId, "long").Outcome);
        Assert.Empty(harness.Journal.For(runId, "next"));
        var again = await harness.Services.GetRequiredService<RunCoordinator>().CancelAsync(runId, EngineHarness.Owner, CancellationToken.None);
        Assert.False(again!.Changed);
    }

    [Fact]
    public async Task StartAsync_SameIdempotencyKey_ReturnsTheSameRun()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());

        var first = await harness.StartRunAsync(flowId, idempotencyKey: "order-7");
        var second = await harness.StartRunAsync(flowId, idempotencyKey: "order-7");
        var other = await harness.StartRunAsync(flowId, idempotencyKey: "order-8");

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task StartAsync_SetWithExpressions_ReadsInputAndUpstreamOutputs()
    {
        await using var harness = await EngineHarness.StartAsync();
        var json = new FlowBuilder("set")
            .Node("trigger", "trigger.manual")
            .Node("first", "core.set", new JsonObject { ["values"] = new JsonObject { ["greeting"] = "Hello {{ input.name }}", ["count"] = 2 } })
            .Node("second", "core.set", new JsonObject { ["values"] = new JsonObject { ["copy"] = "{{ nodes.first.output.greeting }}", ["n"] = "{{ nodes.first.output.count }}" } })
            .Edge("trigger", "first").Edge("first", "second")
            .ToJson();
        var flowId = await harness.CreateFlowAsync(json);

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["name"] = "Ada" }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "second").OutputJson!)!;
        Assert.Equal("Hello Ada", output["copy"]!.GetValue<string>());
        Assert.Equal(2, output["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task StartAsync_InputPassedOnByTheTrigger_IsWrittenOnceAndIsTheTriggersOutputAndAttemptInput()
    {
        await using var harness = await EngineHarness.StartAsync(services: RecordingRunStore.Register);
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());
        var input = new JsonObject { ["seed"] = 7, ["name"] = "Zoë", ["list"] = new JsonArray(1, "two") };

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, input));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var written = Assert.Single(harness.Services.GetRequiredService<RecordingRunStore>().Written);
        // The text a worker stores, as the input was written before: compact, escaped as the serializer escapes.
        Assert.Equal(input.ToJsonString(), written.InputJson);
        // One string for all three: the trigger's output and its attempt's input are the run input's own text.
        Assert.Same(written.InputJson, written.TriggerOutputJson);
        Assert.Same(written.InputJson, written.TriggerAttemptInput);
        Assert.Equal(written.InputJson, run.Nodes.Single(n => n.NodeId == "trigger").OutputJson);
    }

    [Fact]
    public async Task StartAsync_NoInput_IsAnEmptyObjectPassedOnByTheTrigger()
    {
        await using var harness = await EngineHarness.StartAsync(services: RecordingRunStore.Register);
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var written = Assert.Single(harness.Services.GetRequiredService<RecordingRunStore>().Written);
        Assert.Equal(("{}", "{}", "{}"), (written.InputJson, written.TriggerOutputJson, written.TriggerAttemptInput));
    }
}
