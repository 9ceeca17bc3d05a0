using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>A run pinned to a flow version that no longer compiles on the worker ends Failed, saying why, instead of looping.</summary>
public sealed class UncompilableVersionTests
{
    [Fact]
    public async Task HandleAsync_PinnedVersionHasUnknownNodeType_RunFailsNamingNodeAndTypeAndWorkerGoesOn()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.MaxInterruptions = 2);
        // Stored through the store, as a version saved when a plug-in that is gone now provided the type.
        var json = new FlowBuilder("legacy")
            .Node("trigger", "trigger.manual").Node("legacy", "gone.node").Node("after", "test.script")
            .Edge("trigger", "legacy").Edge("legacy", "after").ToJson();
        var flowId = await harness.CreateFlowAsync(json);
        var plan = PlanCompiler.Compile(FlowParser.Parse(json).Document!, flowId, 1);
        var runId = Guid.CreateVersion7();
        var creation = await harness.Services.GetRequiredService<IRunStore>().CreateRunAsync(
            new NewRun(runId, EngineHarness.Owner, flowId, 1, "{}", null, harness.Services.GetRequiredService<TimeProvider>().GetUtcNow()), plan, CancellationToken.None);
        await harness.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(creation.Messages, CancellationToken.None);

        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Node 'legacy' has type 'gone.node'", run.Error, StringComparison.Ordinal);
        var trigger = run.Nodes.Single(n => n.NodeId == "trigger");
        Assert.Equal(NodeStatus.Failed, trigger.Status);
        Assert.Contains("cannot be run on this worker, tried 2 times", trigger.Error, StringComparison.Ordinal);
        Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Equal(NodeStatus.Cancelled, n.Status));
        Assert.Empty(harness.Journal.For(runId, "after"));

        var retry = await harness.Services.GetRequiredService<RunCoordinator>().RetryAsync(runId, EngineHarness.Owner, CancellationToken.None);
        Assert.NotNull(retry);
        Assert.Equal(ReopenOutcome.FlowInvalid, retry.Outcome);
        Assert.Contains("no longer compiles on this server", retry.Reason, StringComparison.Ordinal);
        Assert.Contains("gone.node", retry.Reason, StringComparison.Ordinal);

        var healthy = await harness.CreateFlowAsync(new FlowBuilder("fine").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(await harness.StartRunAsync(healthy))).Status);
    }
}
