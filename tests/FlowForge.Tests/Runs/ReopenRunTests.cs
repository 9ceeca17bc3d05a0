using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>Retrying failed and cancelled runs through the real engine on SQLite, counting what executes.</summary>
public sealed class ReopenRunTests
{
    private static FlowBuilder DiamondFailingOnceAt(string failing) =>
        new FlowBuilder("diamond")
            .Node("trigger", "trigger.manual")
            .Node("a", "test.script")
            .Node("b", "test.script", failing == "b" ? new JsonObject { ["failTimes"] = 1 } : null)
            .Node("c", "test.script", failing == "c" ? new JsonObject { ["failTimes"] = 1 } : null)
            .Node("d", "test.script")
            .Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d");

    private static RunCoordinator Coordinator(EngineHarness harness) => harness.Services.GetRequiredService<RunCoordinator>();

    [Fact]
    public async Task RetryAsync_DiamondBranchFailedOnce_SucceedsWithoutRunningSucceededNodesAgain()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(DiamondFailingOnceAt("c").ToJson());
        var runId = await harness.StartRunAsync(flowId);
        var failed = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Failed, failed.Status);
        // b may finish before or after c fails; either way it ran once and keeps its output.
        await Eventually.TrueAsync(() => harness.Journal.For(runId, "b").Count == 1, "b to have run");
        await Eventually.TrueAsync(async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "b").Status == NodeStatus.Succeeded, "b to be recorded");
        var bBefore = (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "b");

        var retry = await Coordinator(harness).RetryAsync(runId, EngineHarness.Owner, CancellationToken.None);

        Assert.NotNull(retry);
        Assert.True(retry.Reopened, retry.Reason);
        Assert.Equal(2, retry.Attempt);
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Attempt);
        Assert.Single(harness.Journal.For(runId, "a"));
        Assert.Single(harness.Journal.For(runId, "b"));
        Assert.Single(harness.Journal.For(runId, "d"));
        Assert.Equal([1, 2], harness.Journal.For(runId, "c").Select(e => e.Attempt));
        var c = run.Nodes.Single(n => n.NodeId == "c");
        Assert.Equal([NodeStatus.Failed, NodeStatus.Succeeded], c.Attempts.Select(t => t.Status));
        var b = run.Nodes.Single(n => n.NodeId == "b");
        Assert.Equal((bBefore.OutputJson, bBefore.Attempt, bBefore.FinishedAt), (b.OutputJson, b.Attempt, b.FinishedAt));
        var d = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)!;
        Assert.Equal("b", d["input"]!["b"]!["node"]!.GetValue<string>());
        Assert.Equal("c", d["input"]!["c"]!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task RetryAsync_FailedRun_PublishesReopenedStatuses()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("chain")
            .Node("trigger", "trigger.manual").Node("work", "test.script", new JsonObject { ["failTimes"] = 1 }).Node("after", "test.script")
            .Edge("trigger", "work").Edge("work", "after").ToJson());
        var runId = await harness.StartRunAsync(flowId);
        Assert.Equal(RunStatus.Failed, (await harness.WaitForRunAsync(runId)).Status);
        var seen = new ConcurrentQueue<RunEvent>();
        using var subscription = harness.Services.GetRequiredService<IRunEvents>().Subscribe(runId, seen.Enqueue);

        await Coordinator(harness).RetryAsync(runId, EngineHarness.Owner, CancellationToken.None);

        await Eventually.TrueAsync(() => seen.Any(e => e is RunStatusChanged { Status: RunStatus.Succeeded }), "the run to succeed");
        var events = seen.ToList();
        Assert.IsType<RunStatusChanged>(events[0]);
        Assert.Equal(RunStatus.Running, ((RunStatusChanged)events[0]).Status);
        Assert.Equal(
            [("work", NodeStatus.Ready), ("after", NodeStatus.Pending)],
            events.Skip(1).Take(2).Cast<NodeStatusChanged>().Select(e => (e.NodeId, e.Status)));
        Assert.Contains(events, e => e is NodeStatusChanged { NodeId: "after", Status: NodeStatus.Succeeded });
    }

    [Fact]
    public async Task RetryAsync_RunThatIsNotFailedOrOfAnotherOwner_RefusedOrNotFound()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(DiamondFailingOnceAt("none").ToJson());
        var runId = await harness.StartRunAsync(flowId);
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runId)).Status);

        var refused = await Coordinator(harness).RetryAsync(runId, EngineHarness.Owner, CancellationToken.None);
        var foreign = await Coordinator(harness).RetryAsync(runId, Guid.NewGuid(), CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Equal(ReopenOutcome.NotFailed, refused.Outcome);
        Assert.Contains("only a Failed or Cancelled run can be retried", refused.Reason, StringComparison.Ordinal);
        Assert.Null(foreign);
        Assert.Single(harness.Journal.For(runId, "a"));
    }
}
