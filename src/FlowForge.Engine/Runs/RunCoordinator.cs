using System.Diagnostics;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Starts and cancels runs. Starting writes the run with its first messages in the outbox (so a 202 means it is on
/// disk) and publishes them in the background, so a broker outage never slows the answer.
/// </summary>
public sealed class RunCoordinator(
    IFlowStore flows,
    IPlanProvider plans,
    IRunStore runs,
    OutboxDispatcher dispatcher,
    IRunEvents events,
    IBlobStore blobs,
    TimeProvider time)
{
    public async Task<RunStart> StartAsync(StartRun request, CancellationToken cancellationToken)
    {
        var flow = await flows.GetAsync(request.FlowId, request.OwnerId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new FlowNotFoundException(request.FlowId);
        var plan = await plans.GetPlanAsync(flow.Id, flow.Version, flow.Json, cancellationToken).ConfigureAwait(false);
        // The run's span parents every node span (through the traceparent its messages carry).
        using var activity = EngineTelemetry.Activities.StartActivity("run " + flow.Name, ActivityKind.Producer, request.TraceParent);
        activity?.SetTag("flowforge.run_id", request.RunId);
        activity?.SetTag("flowforge.flow_id", flow.Id);
        activity?.SetTag("flowforge.flow_version", flow.Version);
        var traceParent = activity?.Id ?? request.TraceParent;
        var now = time.GetUtcNow();
        var input = request.Input?.ToJsonString() ?? "{}";
        var creation = await runs.CreateRunAsync(
            new NewRun(request.RunId, request.OwnerId, flow.Id, flow.Version, input, request.IdempotencyKey, now),
            plan,
            cancellationToken).ConfigureAwait(false);
        if (creation.Created)
        {
            EngineTelemetry.RunsStarted.Add(1);
            events.Publish(new RunStatusChanged(creation.RunId, RunStatus.Pending, null, now));
            // The run is committed with its messages in the outbox: answer now, publish behind the answer.
            dispatcher.DispatchInBackground(creation.Messages, traceParent);
        }

        return new RunStart(creation.RunId, creation.Created, creation.Status);
    }

    /// <summary>Cancels a run; null when it does not exist for the owner. Executions in progress stop through the Cancelled event (see <see cref="WorkerService"/>).</summary>
    public async Task<CancelResult?> CancelAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = await runs.CancelRunAsync(runId, ownerId, now, cancellationToken).ConfigureAwait(false);
        if (result is not { Changed: true })
        {
            return result;
        }

        foreach (var change in result.Changes)
        {
            events.Publish(new NodeStatusChanged(runId, change.NodeId, change.Status, null, now));
        }

        EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", nameof(RunStatus.Cancelled)));
        events.Publish(new RunStatusChanged(runId, RunStatus.Cancelled, null, now));
        return result;
    }

    /// <summary>
    /// Deletes a finished run, then its blobs. The rows go first: if deleting the blobs fails, what is left is blobs no
    /// row references (a later delete of the same run finds it gone), never a run whose outputs are missing.
    /// </summary>
    public async Task<RunDeletion> DeleteAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var deletion = await runs.DeleteRunAsync(runId, ownerId, cancellationToken).ConfigureAwait(false);
        if (deletion == RunDeletion.Deleted)
        {
            await blobs.DeleteRunBlobsAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        return deletion;
    }
}
