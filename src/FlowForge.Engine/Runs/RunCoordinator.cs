using System.Diagnostics;
using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Starts, cancels and retries runs. Starting writes the run with its first messages in the outbox (so a 202 means it is on
/// disk) and publishes them in the background, so a broker outage never slows the answer.
/// </summary>
public sealed class RunCoordinator(
    IFlowStore flows,
    IPlanProvider plans,
    IPlanCache heads,
    IRunStore runs,
    IRunQueries queries,
    OutboxDispatcher dispatcher,
    IRunEvents events,
    INodeTypeRegistry nodeTypes,
    IBlobStore blobs,
    IChildRunStore children,
    NodeExecutor executor,
    ExecutionSlots slots,
    WorkerIdentity worker,
    TimeProvider time,
    IOptions<EngineOptions> engine,
    IOptions<ExecutionOptions> execution)
{
    /// <summary>Marked on the run's span when the pure nodes its trigger reaches have run, before the write.</summary>
    public const string PureStartRunEvent = "flowforge.start.pure_nodes_run";

    /// <summary>Marked on the run's span when the caller has the committed write back.</summary>
    public const string RunWrittenEvent = "flowforge.start.run_written";

    /// <summary>
    /// Starts a run at the trigger it names (or the one <see cref="TriggerChoice"/> picks). Throws <see cref="FlowNotFoundException"/>,
    /// <see cref="FlowInvalidException"/>, or <see cref="TriggerChoiceException"/> when the trigger cannot be picked.
    /// </summary>
    public async Task<RunStart> StartAsync(StartRun request, CancellationToken cancellationToken)
    {
        var (flow, json) = await HeadAsync(request, cancellationToken).ConfigureAwait(false);
        var plan = await plans.GetPlanAsync(flow.Id, flow.Version, json, cancellationToken).ConfigureAwait(false);
        var trigger = TriggerChoice.Resolve(plan, request.TriggerNodeId, nodeTypes);
        // The run's span parents every node span (through the traceparent its messages carry).
        using var activity = EngineTelemetry.StartActivity("run ", flow.Name, ActivityKind.Producer, request.TraceParent);
        activity?.SetTag("flowforge.run_id", request.RunId);
        activity?.SetTag("flowforge.flow_id", flow.Id);
        activity?.SetTag("flowforge.flow_version", flow.Version);
        var traceParent = activity?.Id ?? request.TraceParent;
        var now = time.GetUtcNow();
        var input = InputText(request.Input, out var inputBytes, out var storable);
        var (triggerOutput, triggerAttemptInput) = TriggerOutput(plan, trigger, input, inputBytes, storable);
        var newRun = new NewRun(request.RunId, request.OwnerId, flow.Id, flow.Version, input, request.IdempotencyKey, now)
        {
            TriggerNodeId = trigger, TriggerOutputJson = triggerOutput, TriggerAttemptInput = triggerAttemptInput,
        };
        // The run input as a worker reads it back from the store: parsed only when a node runs here (a process that
        // executes no work never needs it).
        JsonElement? runInput = null;
        var region = PureStartRegion.None;
        if (newRun.TriggerOutputJson is not null && MayRunPureStart())
        {
            runInput = StoredJson.Parse(newRun.InputJson);
            region = await executor.RunPureStartAsync(newRun, plan, runInput, traceParent, cancellationToken).ConfigureAwait(false);
            activity?.AddEvent(new ActivityEvent(PureStartRunEvent));
        }

        var claimAsked = region switch
        {
            { RunAgain: { } again } => NewClaim() with { NodeId = again },
            { Completions.Count: > 0, MayClaimAfter: false } => null,
            { Completions.Count: > 0 } => NewClaim(),
            _ => newRun.TriggerOutputJson is not null && MayClaimAtStart(plan, trigger ?? plan.Trigger.Id) ? NewClaim() : null,
        };

        // A slot taken here is this process's to run the claimed child in, or given back below when nothing was claimed.
        var slot = claimAsked is not null && slots.TryTake();
        newRun = newRun with { StartRegion = region.Completions, ClaimChild = slot ? claimAsked : null };

        RunCreation creation;
        try
        {
            creation = await runs.CreateRunAsync(newRun, plan, cancellationToken).ConfigureAwait(false);
            activity?.AddEvent(new ActivityEvent(RunWrittenEvent));
        }
        catch when (slot)
        {
            slots.Release();
            throw;
        }

        try
        {
            Announce(creation, plan, trigger, newRun.StartRegion, now, traceParent);
        }
        finally
        {
            // Whatever happens after the commit, a child claimed with it runs (a claim this live worker held without
            // running it would have its lease extended by every heartbeat).
            if (creation.ClaimedChild is { } child)
            {
                var message = new WorkMessage(WorkKind.ExecuteNode, creation.RunId, child.NodeId, child.Version - 1, newRun.FlowId, newRun.FlowVersion, traceParent);
                RunAtStart(message, child with { RunInput = runInput ?? StoredJson.Parse(newRun.InputJson) });
            }
            else if (slot)
            {
                slots.Release();
            }
        }

        return new RunStart(creation.RunId, creation.Created, creation.Status)
        {
            Finished = request.ReturnsFinishedRun ? RunStartView.Build(newRun, plan, creation) : null,
        };
    }

    /// <summary>
    /// The flow's owner and newest version from the plan cache, read from the store (with the JSON, for a plan not
    /// compiled yet) when not kept there. A flow's owner never changes, so a kept head of another owner's flow answers
    /// "not found" as the store would.
    /// </summary>
    private async ValueTask<(FlowHead Head, string? Json)> HeadAsync(StartRun request, CancellationToken cancellationToken)
    {
        if (heads.TryGetHead(request.FlowId, out var kept))
        {
            return kept.OwnerId == request.OwnerId ? (kept, null) : throw new FlowNotFoundException(request.FlowId);
        }

        var stamp = heads.HeadStamp;
        var flow = await flows.GetAsync(request.FlowId, request.OwnerId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new FlowNotFoundException(request.FlowId);
        var head = new FlowHead(flow.Id, flow.OwnerId, flow.Name, flow.Version);
        heads.KeepHead(head, stamp);
        return (head, flow.Json);
    }

    /// <summary>Tells what the run's creation changed (events, metrics) and publishes its messages behind the answer.</summary>
    private void Announce(RunCreation creation, ExecutionPlan plan, string? trigger, IReadOnlyList<NodeCompletion> region, DateTimeOffset now, string? traceParent)
    {
        if (creation.Created)
        {
            EngineTelemetry.RunsStarted.Add(1);
            events.PublishRun(creation.RunId, RunStatus.Pending, null, now);
            for (var i = 0; i < creation.Changes.Count; i++)
            {
                events.PublishNode(creation.RunId, creation.Changes[i].NodeId, creation.Changes[i].Status, null, now);
            }

            if (creation.TriggerCompleted)
            {
                // What a worker running the trigger would have told: the run started, the trigger ran and ended.
                var startedAt = trigger ?? plan.Trigger.Id;
                // The trigger ran within the run's creation: its span is the run span's child, as a worker's would be.
                using (var triggerSpan = EngineTelemetry.StartActivity("node ", plan[startedAt].Type, ActivityKind.Consumer, traceParent))
                {
                    triggerSpan?.SetTag("flowforge.run_id", creation.RunId);
                    triggerSpan?.SetTag("flowforge.node_id", startedAt);
                    triggerSpan?.SetTag("flowforge.node_type", plan[startedAt].Type);
                    triggerSpan?.SetTag("flowforge.attempt", 1);
                }

                events.PublishRun(creation.RunId, RunStatus.Running, null, now);
                events.PublishNode(creation.RunId, startedAt, NodeStatus.Running, null, now);
                // A short region is searched in place; a long one through a map made once.
                Dictionary<string, NodeCompletion>? ranHere = null;
                if (region.Count > LinearSearchedRegion)
                {
                    ranHere = new(region.Count, StringComparer.Ordinal);
                    foreach (var completion in region)
                    {
                        ranHere.TryAdd(completion.NodeId, completion);
                    }
                }

                for (var i = 0; i < creation.TriggerChanges.Count; i++)
                {
                    var change = creation.TriggerChanges[i];
                    if (RanHere(region, ranHere, change.NodeId) is { } ran && change.Status == ran.Status)
                    {
                        // A node run before the write: told as a worker tells it, started then ended, now that it is recorded.
                        EngineTelemetry.StartPureNodes.Add(1);
                        events.PublishNode(creation.RunId, change.NodeId, NodeStatus.Running, null, ran.AttemptStartedAt ?? ran.At);
                        events.PublishNode(creation.RunId, change.NodeId, change.Status, null, ran.At);
                        continue;
                    }

                    events.PublishNode(creation.RunId, change.NodeId, change.Status, null, now);
                }

                if (creation.RunFinished is { } finished)
                {
                    EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(finished)));
                    events.PublishRun(creation.RunId, finished, null, now);
                }
            }

            // The run is committed with its messages in the outbox: answer now, publish behind the answer.
            dispatcher.DispatchInBackground(creation.Messages, traceParent);
        }
    }

    private const int LinearSearchedRegion = 8;

    /// <summary>The completion of <paramref name="nodeId"/> among those of the pure start, if it ran there.</summary>
    private static NodeCompletion? RanHere(IReadOnlyList<NodeCompletion> region, Dictionary<string, NodeCompletion>? map, string nodeId)
    {
        if (map is not null)
        {
            return map.GetValueOrDefault(nodeId);
        }

        // First one wins, as the map's TryAdd keeps the first.
        for (var i = 0; i < region.Count; i++)
        {
            if (string.Equals(region[i].NodeId, nodeId, StringComparison.Ordinal))
            {
                return region[i];
            }
        }

        return null;
    }

    /// <summary>A claim for this process of a node the run's write makes Ready, under a lease from now.</summary>
    private ChainClaim NewClaim() => new(worker.Id, time.GetUtcNow() + engine.Value.LeaseDuration);

    /// <summary>
    /// The pure nodes the trigger reaches run before the run's write only in a process that executes work and chains locally
    /// (<see cref="EngineOptions.PureStartNodes"/>): a process that executes nothing leaves every node to the workers.
    /// </summary>
    private bool MayRunPureStart() =>
        engine.Value is { ExecuteWork: true, ClaimAtStart: true, PureStartNodes: > 0, LocalChainSteps: > 0 };

    /// <summary>
    /// The run's creation may claim the trigger's first child for this process when this process runs that child's type,
    /// and every sibling's: a child this worker cannot run goes through the queue, as after a worker's completion. Local
    /// chaining turned off (<see cref="EngineOptions.LocalChainSteps"/> 0) sends every child through the queue, this one too.
    /// </summary>
    private bool MayClaimAtStart(ExecutionPlan plan, string triggerId)
    {
        if (!engine.Value.ClaimAtStart || !engine.Value.ExecuteWork || engine.Value.LocalChainSteps == 0)
        {
            return false;
        }

        var edges = plan[triggerId].Children;
        if (edges.Count == 0)
        {
            return false;
        }

        foreach (var edge in edges)
        {
            if (!nodeTypes.TryGet(plan[edge.Target].Type, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs the child claimed with the run's creation in the slot taken for it, behind the answer, as a worker runs a
    /// node it claimed from the queue. A crash before it is recorded leaves it Running under this worker, taken over
    /// once the worker's heartbeat stops.
    /// </summary>
    private void RunAtStart(WorkMessage message, ClaimedNode claim)
    {
        EngineTelemetry.StartClaims.Add(1);
        // Not the caller's context (a request's): the node runs as one a worker took from the queue would.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await executor.HandleClaimedAsync(message, claim, slots.Stopping).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            });
        }
    }

    /// <summary>
    /// The run input as stored, written once (<see cref="JsonSize"/>): its UTF-8 size, and whether the trigger's output, the
    /// same text, could be kept inline (at most <see cref="EngineOptions.InlineOutputBytes"/> and passing the stored-JSON
    /// policy; a larger input is not checked here, its trigger is left to a worker, which checks what it stores).
    /// </summary>
    private string InputText(System.Text.Json.Nodes.JsonNode? input, out long bytes, out bool storable)
    {
        if (input is null)
        {
            (bytes, storable) = (2, true);
            return "{}";
        }

        var limits = engine.Value;
        return JsonSize.WriteChecking(input, Math.Min(limits.InlineOutputBytes, limits.MaxOutputBytes), out bytes, out storable);
    }

    /// <summary>
    /// When the starting trigger's type passes the run input on (<see cref="NodeDescriptor.PassesRunInput"/>), its output is
    /// the input written as a worker would store it — the same text, so the same string — and the run is then created with
    /// the trigger done. An input that the worker would put in the blob store, or could not store, leaves the trigger to a
    /// worker, which reports that as it does.
    /// </summary>
    private (string? Output, string? AttemptInput) TriggerOutput(ExecutionPlan plan, string? trigger, string input, long inputBytes, bool storable)
    {
        var node = plan[trigger ?? plan.Trigger.Id];
        if (!nodeTypes.TryGet(node.Type, out var type) || !type.Descriptor.PassesRunInput)
        {
            return (null, null);
        }

        if (!storable)
        {
            // Written as the output it would be the same text: too large to keep inline (the worker stores it), or refused.
            return (null, null);
        }

        // The attempt keeps the trigger's input (the run input) as a worker records it: cut to a size note when too large.
        var attemptInput = inputBytes <= execution.Value.MaxAttemptInputBytes
            ? input
            : new System.Text.Json.Nodes.JsonObject { ["truncated"] = true, ["bytes"] = inputBytes }.ToJsonString();
        return (input, attemptInput);
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
            events.PublishNode(runId, change.NodeId, change.Status, null, now);
        }

        EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", nameof(RunStatus.Cancelled)));
        events.PublishRun(runId, RunStatus.Cancelled, null, now);
        foreach (var child in result.CancelledChildRuns)
        {
            // Executions in progress in the child runs stop through this event, as the parent's do.
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", nameof(RunStatus.Cancelled)));
            events.PublishRun(child, RunStatus.Cancelled, null, now);
        }

        // A cancelled child run wakes the node that waits for it (the message was written with the cancel).
        dispatcher.DispatchInBackground(result.Messages, null);
        return result;
    }

    /// <summary>
    /// Reopens a Failed or Cancelled run from its failed and cancelled nodes (see <see cref="IRunStore.ReopenRunAsync"/>);
    /// null when it does not exist for the owner. The reopened nodes' messages are published behind the answer, like a start's.
    /// </summary>
    public async Task<RunRetry?> RetryAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken)
    {
        var run = await queries.GetRunAsync(runId, ownerId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            return Refused(runId, ReopenOutcome.NotFailed, run.Status, run.Attempt, null);
        }

        if (run.ParentRunId is { } parentRunId)
        {
            // Only the node that started a child decides when it runs again, so its results stay in step with the node's.
            return new RunRetry(runId, ReopenOutcome.ChildRun, run.Status, run.Attempt,
                $"Run {runId} is a child run of run {parentRunId} (node '{run.ParentNodeId}', item {run.ItemIndex}): retry run {parentRunId}, which re-runs the children that failed.");
        }

        ExecutionPlan plan;
        try
        {
            plan = await plans.GetPlanAsync(run.FlowId, run.FlowVersion, null, cancellationToken).ConfigureAwait(false);
        }
        catch (FlowInvalidException ex)
        {
            return new RunRetry(runId, ReopenOutcome.FlowInvalid, run.Status, run.Attempt,
                $"Run {runId} cannot be retried: version {run.FlowVersion} of its flow no longer compiles on this server. {ex.Message} Start a run of a corrected version instead.");
        }

        var now = time.GetUtcNow();
        var result = await runs.ReopenRunAsync(runId, ownerId, plan, now, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        if (result.Outcome != ReopenOutcome.Reopened)
        {
            return Refused(runId, result.Outcome, result.Status, result.Attempt, result.NodeId);
        }

        EngineTelemetry.RunsReopened.Add(1);
        events.PublishRun(runId, result.Status, null, now);
        foreach (var change in result.Changes)
        {
            events.PublishNode(runId, change.NodeId, change.Status, null, now);
        }

        if (result.Status.IsFinal())
        {
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(result.Status)));
        }

        dispatcher.DispatchInBackground(result.Messages, null);
        return new RunRetry(runId, ReopenOutcome.Reopened, result.Status, result.Attempt, null);
    }

    private static RunRetry Refused(Guid runId, ReopenOutcome outcome, RunStatus status, int attempt, string? nodeId) => new(runId, outcome, status, attempt, outcome switch
    {
        ReopenOutcome.NotFailed => $"Run {runId} is {status}: only a Failed or Cancelled run can be retried.",
        ReopenOutcome.NodeStillExecuting => $"Node '{nodeId}' of run {runId} is still executing; retry once it has finished.",
        ReopenOutcome.ChildRun => $"Run {runId} is a child run: retry its parent run instead.",
        ReopenOutcome.NotRecorded =>
            $"Run {runId} ended before the ports its nodes fired were recorded (node '{nodeId}'), so it cannot be resumed; start a new run instead.",
        _ => $"Run {runId} cannot be retried ({outcome}).",
    });

    /// <summary>
    /// Deletes a finished run, then its blobs. The rows go first: if deleting the blobs fails, what is left is blobs no
    /// row references (a later delete of the same run finds it gone), never a run whose outputs are missing.
    /// </summary>
    public async Task<RunDeletion> DeleteAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken)
    {
        // A finished run starts no more children, so the list read first is the one the delete removes with it.
        var descendants = await children.ListDescendantRunIdsAsync(runId, cancellationToken).ConfigureAwait(false);
        var deletion = await runs.DeleteRunAsync(runId, ownerId, cancellationToken).ConfigureAwait(false);
        if (deletion == RunDeletion.Deleted)
        {
            await blobs.DeleteRunBlobsAsync(runId, cancellationToken).ConfigureAwait(false);
            foreach (var descendant in descendants)
            {
                await blobs.DeleteRunBlobsAsync(descendant, cancellationToken).ConfigureAwait(false);
            }
        }

        return deletion;
    }
}
