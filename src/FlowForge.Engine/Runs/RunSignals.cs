using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Ends signal waits (<c>core.wait</c> with <c>until: "signal"</c>): the node succeeds with the signal's body as
/// its output, without running again, and its children are queued as after any completion.
/// </summary>
public sealed class RunSignals(
    IRunQueries queries,
    IPlanProvider plans,
    ISignalStore signals,
    OutboxDispatcher dispatcher,
    IRunEvents events,
    TimeProvider time)
{
    public async Task<SignalResult> SignalAsync(Guid runId, Guid? ownerId, string nodeId, string outputJson, CancellationToken cancellationToken)
    {
        var run = await queries.GetRunAsync(runId, ownerId, cancellationToken).ConfigureAwait(false);
        if (run is null || !run.Nodes.Any(n => string.Equals(n.NodeId, nodeId, StringComparison.Ordinal)))
        {
            return SignalResult.NotFound;
        }

        var plan = await plans.GetPlanAsync(run.FlowId, run.FlowVersion, null, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var result = await signals.SignalNodeAsync(new NodeSignal(runId, ownerId, nodeId, outputJson, now), plan, cancellationToken).ConfigureAwait(false);
        if (result is not { Outcome: SignalOutcome.Applied, Completion: { } completion })
        {
            return result;
        }

        await dispatcher.DispatchAsync(completion.Messages, cancellationToken).ConfigureAwait(false);
        foreach (var change in completion.Changes)
        {
            events.PublishNode(runId, change.NodeId, change.Status, null, now);
        }

        if (completion.RunFinished is { } finished)
        {
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(finished)));
            events.PublishRun(runId, finished, null, now);
        }

        return result;
    }
}
