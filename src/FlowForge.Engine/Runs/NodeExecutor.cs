using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Policies;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Runs one work message: claim the node (optimistically; a lost claim drops the message), execute its
/// type, then commit the outcome together with the messages for the children it unblocked.
/// </summary>
public sealed partial class NodeExecutor(
    IPlanProvider plans,
    IRunStore runs,
    INodeTypeRegistry nodeTypes,
    OutboxDispatcher dispatcher,
    DurableTimers timers,
    RunningNodes running,
    WorkerIdentity worker,
    ClaimGiveBack giveBack,
    IRunEvents events,
    IBlobStore blobs,
    BlobReads blobReads,
    BlobInputBudget blobBudget,
    TimeProvider time,
    IOptions<EngineOptions> options,
    IOptions<ExecutionOptions> execution,
    SubflowRuns subflows,
    INodeRateGate rateGate,
    NodeConnectionsFactory connections,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : INodeViews
{
    private const int CompletionAttempts = 5;

    private static readonly TimeSpan TransientRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = loggerFactory.CreateLogger<NodeExecutor>();
    private readonly ILogger _nodeLogger = loggerFactory.CreateLogger("FlowForge.Nodes");

    public Task HandleAsync(WorkMessage message, CancellationToken cancellationToken) =>
        HandleHeldAsync(message, new HeldClaim(message), cancellationToken);

    /// <summary>
    /// Runs a node this worker already holds, claimed by the write that created its run (see <see cref="NewRun.ClaimChild"/>),
    /// as <see cref="HandleAsync(WorkMessage, CancellationToken)"/> runs a message's node once claimed, local chaining
    /// included. <paramref name="message"/> is the one the node would have had: it stands in if the claim is given back.
    /// </summary>
    public Task HandleClaimedAsync(WorkMessage message, ClaimedNode claim, CancellationToken cancellationToken) =>
        HandleHeldAsync(message, new HeldClaim(message) { Claim = claim }, cancellationToken);

    /// <summary>
    /// Runs the message's node with <paramref name="held"/>: the claim this handling holds, from the moment it commits
    /// until its completion is recorded, and the message it answers (a child chained after the first node stands in for
    /// the message it never had).
    /// </summary>
    private async Task HandleHeldAsync(WorkMessage message, HeldClaim held, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(message, held, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the node stays Running and is taken over once this worker's heartbeat stops.
        }
        catch (StoreUnavailableException ex) when ((held.Claim ?? ex.Claim) is { } claim)
        {
            // The claim committed and then the store failed: give the node back at the claimed version, so it runs
            // again in a second rather than when the lease ends (a redelivery of the old message would be dropped).
            LogHandlingRetried(_logger, held.Message.RunId, held.Message.NodeId, ex);
            await giveBack.GiveBackAsync(held.Message, claim, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            // Nothing was claimed (deadlock, failover, pool exhausted): the same message comes back shortly.
            LogHandlingRetried(_logger, message.RunId, message.NodeId, ex);
            timers.Schedule(message, time.GetUtcNow() + TransientRetryDelay);
        }
        catch (Exception ex) when (held.Claim is { } claim)
        {
            // A failure that is not passing, after the claim: give the node back counted as an interruption, so
            // that repeating it ends in a Failed node (Engine:MaxInterruptions) rather than a loop or a stuck claim.
            LogHandlingFailed(_logger, held.Message.RunId, held.Message.NodeId, ex);
            await giveBack.GiveBackAsync(held.Message, claim, CancellationToken.None, interrupted: true).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Anything else would fail again the same way: the state in the database tells the sweep what to redo.
            LogHandlingFailed(_logger, held.Message.RunId, held.Message.NodeId, ex);
        }
        finally
        {
            held.ReleaseHandover();
        }
    }

    private async Task ExecuteAsync(WorkMessage message, HeldClaim held, CancellationToken cancellationToken)
    {
        ExecutionPlan plan;
        try
        {
            plan = await plans.GetPlanAsync(message.FlowId, message.FlowVersion, null, cancellationToken).ConfigureAwait(false);
        }
        catch (FlowInvalidException ex) when (held.Claim is null)
        {
            await HandleUncompilableAsync(message, ex, held, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!plan.TryGetNode(message.NodeId, out var node))
        {
            LogUnknownNode(_logger, message.RunId, message.NodeId);
            return;
        }

        var now = time.GetUtcNow();
        var claim = held.Claim
            ?? await runs.TryClaimAsync(message, node.Dependencies, worker.Id, now, now + options.Value.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            EngineTelemetry.ClaimConflicts.Add(1);
            return;
        }

        held.Claim = claim;
        var steps = 0;
        while (await RunClaimedAsync(message, plan, node, claim, now, steps < options.Value.LocalChainSteps, held, cancellationToken).ConfigureAwait(false))
        {
            // The child claimed with its parent's completion (or run next in a pure chain) runs here, with the inputs
            // that completion handed over.
            steps++;
            EngineTelemetry.LocalChainSteps.Add(1);
            (message, claim) = held.Next!.Value;
            held.Next = null;
            node = plan[claim.NodeId];
            now = time.GetUtcNow();
        }
    }

    /// <summary>
    /// Executes a claimed node and records its end. When <paramref name="mayChain"/> and the node's children can all run
    /// on this worker, the completion also claims one child it makes Ready: then <paramref name="held"/> holds that child
    /// and true is returned, to run it next.
    /// </summary>
    private async Task<bool> RunClaimedAsync(
        WorkMessage message, ExecutionPlan plan, PlanNode node, ClaimedNode claim, DateTimeOffset now, bool mayChain, HeldClaim held, CancellationToken cancellationToken)
    {
        using var scope = _logger.BeginScope(new NodeLogScope(message.RunId, node.Id, node.Type, claim.Attempt));
        using var activity = EngineTelemetry.StartActivity("node ", node.Type, ActivityKind.Consumer, message.TraceParent);
        activity?.SetTag("flowforge.run_id", message.RunId);
        activity?.SetTag("flowforge.node_id", node.Id);
        activity?.SetTag("flowforge.node_type", node.Type);
        activity?.SetTag("flowforge.attempt", claim.Attempt);

        if (claim.RunStarted)
        {
            events.PublishRun(message.RunId, RunStatus.Running, null, now);
        }

        if (claim.ResumedFromWaitUntil is null)
        {
            events.PublishNode(message.RunId, node.Id, NodeStatus.Running, null, now);
        }

        var started = Stopwatch.GetTimestamp();
        var (result, errorKind) = claim.Interruptions >= options.Value.MaxInterruptions
            ? (Completion(claim, NodeStatus.Failed, null, InterruptedTooOften(claim), []), NodeErrorKinds.Interrupted)
            : await RunNodeAsync(node, claim, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        // The blob handed to this node by its parent is no longer needed: this node's inputs are given back.
        held.ReleaseHandover();
        EngineTelemetry.NodeDuration.Record(elapsed.TotalMilliseconds,
            new KeyValuePair<string, object?>("node_type", node.Type),
            new KeyValuePair<string, object?>("outcome", StatusName.Of(result.Status)));

        if (held.Pending.Count > 0 && result.Status != NodeStatus.Succeeded)
        {
            // A node run in a pure chain without a claim of its own did not simply succeed (it failed, or waits): the chain
            // before it is written, claiming it, and it runs again from that claim, where failures and waits are handled.
            return await FlushPendingAsync(message, plan, node, claim, held, activity?.Id ?? message.TraceParent, cancellationToken).ConfigureAwait(false);
        }

        if (mayChain && MayChainAfter(result, node, plan, cancellationToken))
        {
            result = result with { ClaimChild = NewChainClaim() };
        }

        if (mayChain && !cancellationToken.IsCancellationRequested && NextInPureRegion(node, result, claim, plan, held) is { } next)
        {
            // Nothing outside the run saw this node run: its completion is written with the region's end.
            held.Pending.Add(result.ClaimChild is null ? result with { ClaimChild = NewChainClaim() } : result);
            held.Next = (message with { Kind = WorkKind.ExecuteNode, NodeId = next.NodeId, Version = 0, TraceParent = activity?.Id ?? message.TraceParent }, next);
            return true;
        }

        if (held.Pending.Count > 0)
        {
            result = result with { Preceding = [.. held.Pending] };
            held.ClearRegion();
        }

        var outcome = await CompleteWithRetriesAsync(result, plan, cancellationToken).ConfigureAwait(false);
        held.Claim = null;
        if (!outcome.Applied)
        {
            EngineTelemetry.StaleCompletions.Add(1);
            LogStaleCompletion(_logger, message.RunId, node.Id);
            return false;
        }

        if (outcome.ClaimedChild is { } child)
        {
            // Its message was never written: the one it would have had stands in for it if it must be given back.
            held.Message = new WorkMessage(WorkKind.ExecuteNode, message.RunId, child.NodeId, child.Version - 1, message.FlowId, message.FlowVersion, activity?.Id ?? message.TraceParent);
            held.Claim = child with { RunInput = claim.RunInput };
            held.Next = (held.Message, held.Claim);
            if (result.OutputBlob is { } written && !result.OutputBlobContent.IsEmpty
                && child.BlobOutputs.TryGetValue(node.Id, out var handed) && handed.Id == written.Id)
            {
                // The child reads what this node just wrote: it gets the bytes in memory, not read back from the store.
                held.Handover = blobReads.HandOver(written, result.OutputBlobContent);
            }
        }

        await dispatcher.DispatchAsync(outcome.Messages, activity?.Id ?? message.TraceParent, cancellationToken).ConfigureAwait(false);
        if (outcome.ChainBroken)
        {
            // The chain stopped before this node (the run ended, or the next node was not a first attempt): only what
            // was written is told; a node claimed where it stopped runs again from its claim.
            PublishChanges(message.RunId, outcome, result.At, node.Id);
            return outcome.ClaimedChild is not null;
        }

        if (result.WaitUntil is { } until)
        {
            timers.Schedule(message with { Kind = WorkKind.ExecuteNode, Version = result.Version + 1 }, until);
            return false;
        }

        if (result.WaitForSignal || result.WaitForChildren is not null)
        {
            return false;
        }

        if (result.RetryAt is { } retryAt && outcome.RunFinished is null && outcome.Changes.Count == 0)
        {
            // The next attempt is a durable timer like a wait: the node stays Running without a lease meanwhile.
            LogNodeRetrying(_logger, node.Id, message.RunId, claim.Attempt, retryAt, errorKind ?? NodeErrorKinds.Reported);
            LogNodeFailure(_logger, node.Id, message.RunId, result.Error);
            events.PublishNode(message.RunId, node.Id, NodeStatus.Running, result.Error, result.At);
            timers.Schedule(message with { Kind = WorkKind.ExecuteNode, Version = result.Version + 1 }, retryAt);
            return false;
        }

        activity?.SetStatus(result.Status == NodeStatus.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.Error);
        if (result.Status == NodeStatus.Failed)
        {
            // The error text can quote user data (a response body, an expression's input): only the kind at Warning.
            LogNodeFailed(_logger, node.Id, node.Type, message.RunId, claim.Attempt, errorKind ?? NodeErrorKinds.Reported);
            LogNodeFailure(_logger, node.Id, message.RunId, result.Error);
        }

        events.PublishNode(message.RunId, node.Id, result.Status, result.Error, result.At);
        foreach (var change in outcome.Changes)
        {
            events.PublishNode(message.RunId, change.NodeId, change.Status, null, result.At);
        }

        if (outcome.RunFinished is { } finished)
        {
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(finished)));
            var error = finished == RunStatus.Failed ? $"Node '{node.Id}' failed: {result.Error}" : null;
            events.PublishRun(message.RunId, finished, error, result.At);
        }

        return outcome.ClaimedChild is not null;
    }

    /// <summary>Writes the pure chain held so far (its last completion claims the node that ran after it) and runs that node again from its claim.</summary>
    private async Task<bool> FlushPendingAsync(
        WorkMessage message, ExecutionPlan plan, PlanNode node, ClaimedNode claim, HeldClaim held, string? traceParent, CancellationToken cancellationToken)
    {
        // The node is named: in a region, the completion that makes it Ready need not be the last one written.
        var flush = held.Pending[^1] with
        {
            Preceding = held.Pending[..^1],
            ClaimChild = NewChainClaim() with { NodeId = node.Id },
        };
        held.ClearRegion();
        var outcome = await CompleteWithRetriesAsync(flush, plan, cancellationToken).ConfigureAwait(false);
        held.Claim = null;
        if (!outcome.Applied)
        {
            EngineTelemetry.StaleCompletions.Add(1);
            LogStaleCompletion(_logger, message.RunId, flush.NodeId);
            return false;
        }

        await dispatcher.DispatchAsync(outcome.Messages, traceParent, cancellationToken).ConfigureAwait(false);
        PublishChanges(message.RunId, outcome, flush.At, node.Id);
        if (outcome.ClaimedChild is not { } child)
        {
            return false;
        }

        held.Message = new WorkMessage(WorkKind.ExecuteNode, message.RunId, child.NodeId, child.Version - 1, message.FlowId, message.FlowVersion, traceParent);
        held.Claim = child with { RunInput = claim.RunInput };
        held.Next = (held.Message, held.Claim);
        return true;
    }

    /// <summary>What a written chain changed, told as a worker tells its completions' changes; the run's end when it ended.</summary>
    private void PublishChanges(Guid runId, CompletionResult outcome, DateTimeOffset at, string nodeId)
    {
        foreach (var change in outcome.Changes)
        {
            events.PublishNode(runId, change.NodeId, change.Status, null, at);
        }

        if (outcome.RunFinished is { } finished)
        {
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(finished)));
            events.PublishRun(runId, finished, finished == RunStatus.Failed ? $"Run ended before node '{nodeId}' was recorded." : null, at);
        }
    }

    /// <summary>
    /// The node that runs next in memory, in the pure region <paramref name="node"/> belongs to, when <paramref name="node"/>
    /// is pure and succeeded with its output inline (null otherwise, or when the region has nothing left to run: the region's
    /// completions are written then). Each child of it that is pure, installed here, whose parents all ran in this region
    /// and one of them reached it (a fired port's edge leads there), and whose every dependency is a node of the region or
    /// an input of its first node (so its inputs are all in memory), joins the region's queue; the nodes run in the order
    /// they joined it, so each runs after all its parents. A child some parent of which did not run here, or that no
    /// parent reached, is left to the store: made Ready with a message, or Skipped, when the region's write is recorded.
    /// </summary>
    /// <param name="output">The output already parsed, when the caller holds it (the trigger's is the run input's text).</param>
    private ClaimedNode? NextInPureRegion(PlanNode node, NodeCompletion completion, ClaimedNode claim, ExecutionPlan plan, HeldClaim held, System.Text.Json.JsonElement? output = null)
    {
        if (completion.Status != NodeStatus.Succeeded || completion.OutputBlob is not null || completion.OutputJson is null
            || !nodeTypes.TryGet(node.Type, out var type) || !type.Descriptor.Pure)
        {
            return held.Pure?.Dequeue();
        }

        var region = held.Pure ??= new PureRegion(plan, held.RegionCapacity);
        if (!region.Started && claim.DependencyOutputs.Count > 0)
        {
            // The region's first node: the outputs it read stay readable by the nodes after it.
            foreach (var (id, read) in claim.DependencyOutputs)
            {
                region.Know(plan.IndexOf(id), read, claim.DependencyFinishedAt.GetValueOrDefault(id), claim.DependencyPorts.GetValueOrDefault(id), claim.DependencyTexts?.GetValueOrDefault(id));
            }
        }

        var index = plan.IndexOf(node.Id);
        // The text stays with the parsed output: the next node's attempt records it as its input without writing it again.
        region.RanNode(index, output ?? StoredJson.Parse(completion.OutputJson), completion.At, completion.FiredPorts, completion.OutputJson);
        var children = plan.ChildIndexes(index);
        for (var i = 0; i < children.Length; i++)
        {
            var child = children[i];
            if (child >= 0 && !region.IsQueued(child) && RunsInRegion(plan.Nodes[child], child, claim, region) is { } next)
            {
                region.Enqueue(child, next);
            }
        }

        return region.Dequeue();
    }

    /// <summary>The claim <paramref name="child"/> runs on in the region, when it can run there now (see <see cref="NextInPureRegion"/>).</summary>
    private ClaimedNode? RunsInRegion(PlanNode child, int index, ClaimedNode claim, PureRegion region)
    {
        if (!nodeTypes.TryGet(child.Type, out var childType) || !childType.Descriptor.Pure)
        {
            return null;
        }

        var reached = false;
        var parents = region.Plan.ParentIndexes(index);
        for (var p = 0; p < parents.Length; p++)
        {
            if (parents[p] < 0 || !region.HasRun(parents[p]))
            {
                return null;
            }

            if (!reached && child.ParentPorts.TryGetValue(child.Parents[p], out var into) && region.PortsOf(parents[p]) is { } fired)
            {
                for (var i = 0; i < into.Count && !reached; i++)
                {
                    reached = Fired(fired, into[i]);
                }
            }
        }

        if (!reached)
        {
            return null;
        }

        var dependencies = region.Plan.DependencyIndexes(index);
        for (var i = 0; i < dependencies.Length; i++)
        {
            if (dependencies[i] < 0 || !region.HasOutputAndPorts(dependencies[i]))
            {
                return null;
            }
        }

        // Its first attempt, as the claim written with the region will make it (the store checks that it does). Its
        // dependencies are read from the region: one view stands for the four maps a claim has.
        var known = new RegionDependencies(region, child, dependencies);
        return new ClaimedNode(claim.RunId, child.Id, 0, 1, claim.RunInput, known, null, RunStarted: false)
        {
            OwnerId = claim.OwnerId,
            DependencyFinishedAt = known,
            DependencyPorts = known,
            DependencyTexts = known,
        };
    }

    /// <summary>Whether <paramref name="port"/> is among the fired ones, looked through by index (no boxed enumerator).</summary>
    private static bool Fired(IReadOnlyList<string> fired, string port)
    {
        for (var i = 0; i < fired.Count; i++)
        {
            if (string.Equals(fired[i], port, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A completion may claim a child when it resolves its children (a success, or a failure through the error port) and
    /// every child's type is installed here: a child this worker cannot run goes through the queue to one that can.
    /// </summary>
    private bool MayChainAfter(NodeCompletion completion, PlanNode node, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || node.Children.Count == 0 || completion.RetryAt is not null
            || !(completion.Status == NodeStatus.Succeeded || completion is { Status: NodeStatus.Failed, ThroughErrorPort: true }))
        {
            return false;
        }

        foreach (var edge in node.Children)
        {
            if (!nodeTypes.TryGet(plan[edge.Target].Type, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// What a handling holds: the claim to give back if it fails, and the message that claim answers; the node to run
    /// next; and the pure region run in memory: the completions not written yet and the region (what its nodes produced
    /// and its first node read, the nodes that ran and those queued to run).
    /// </summary>
    private sealed class HeldClaim(WorkMessage message, int regionNodes = 0)
    {
        public WorkMessage Message { get; set; } = message;

        public ClaimedNode? Claim { get; set; }

        public (WorkMessage Message, ClaimedNode Claim)? Next { get; set; }

        public List<NodeCompletion> Pending { get; } = [];

        /// <summary>The pure region being run, made when its first node succeeds.</summary>
        public PureRegion? Pure { get; set; }

        /// <summary>How many nodes a region of this handling is sized for at first.</summary>
        public int RegionCapacity => regionNodes;

        /// <summary>The blob output of the node that ran last, held in memory for the child claimed to run next.</summary>
        public IDisposable? Handover { get; set; }

        public void ReleaseHandover()
        {
            Handover?.Dispose();
            Handover = null;
        }

        /// <summary>The region is written (or given up): nodes still queued are made Ready by that write instead.</summary>
        public void ClearRegion()
        {
            Pending.Clear();
            Pure = null;
        }
    }

    /// <summary>
    /// The run's pinned flow version does not compile on this worker (a node type was removed, a config no longer passes
    /// its schema). Another worker may still run it (a rolling upgrade), so the node is given back counted as an
    /// interruption; once it has been given back <see cref="EngineOptions.MaxInterruptions"/> times, the node and the run
    /// are Failed with the compiler's reason, which names the node and what is wrong with it.
    /// </summary>
    private async Task HandleUncompilableAsync(WorkMessage message, FlowInvalidException invalid, HeldClaim held, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claim = await runs.TryClaimAsync(message, [], worker.Id, now, now + options.Value.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            EngineTelemetry.ClaimConflicts.Add(1);
            return;
        }

        held.Claim = claim;
        if (claim.Interruptions < options.Value.MaxInterruptions)
        {
            // Problem codes only: a problem's message may quote the node's config.
            LogVersionNotCompiled(_logger, message.RunId, message.NodeId, message.FlowVersion, string.Join(", ", invalid.Problems.Select(p => p.Code).Distinct()));
            held.Claim = null;
            await giveBack.GiveBackAsync(message, claim, CancellationToken.None, interrupted: true).ConfigureAwait(false);
            return;
        }

        var error = $"Version {message.FlowVersion} of the run's flow cannot be run on this worker, tried {claim.Interruptions} times: {invalid.Message}";
        var failed = Completion(claim, NodeStatus.Failed, null, error, []) with { Attempt = claim.Attempt, AttemptStartedAt = now };

        // A Failed completion that does not go through the error port ends the run: the store reads nothing of the plan
        // but the node itself, so a plan of that one node stands in for the one that cannot be compiled.
        var stand = new ExecutionPlan(message.FlowId, message.FlowVersion, [new PlanNode(message.NodeId, "", null, true, [], [], [])]);
        var outcome = await CompleteWithRetriesAsync(failed, stand, cancellationToken).ConfigureAwait(false);
        held.Claim = null;
        if (!outcome.Applied)
        {
            EngineTelemetry.StaleCompletions.Add(1);
            return;
        }

        LogVersionFailed(_logger, message.RunId, message.NodeId, message.FlowVersion);
        events.PublishNode(message.RunId, message.NodeId, NodeStatus.Failed, error, failed.At);
        foreach (var change in outcome.Changes.Where(c => c.NodeId != message.NodeId))
        {
            events.PublishNode(message.RunId, change.NodeId, change.Status, null, failed.At);
        }

        if (outcome.RunFinished is { } finished)
        {
            EngineTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("status", StatusName.Of(finished)));
            events.PublishRun(message.RunId, finished, $"Node '{message.NodeId}' failed: {error}", failed.At);
        }
    }

    /// <summary>
    /// The node has run: its result must not be lost to a passing storage failure (the claim would otherwise hold
    /// the node until its lease ends). A retry after a commit whose answer was lost comes back Stale, harmlessly.
    /// </summary>
    private async Task<CompletionResult> CompleteWithRetriesAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await runs.CompleteNodeAsync(completion, plan, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException ex) when (attempt < CompletionAttempts)
            {
                LogCompletionRetried(_logger, completion.RunId, completion.NodeId, attempt, ex);
                await Task.Delay(TransientRetryDelay * attempt, time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not StoreUnavailableException and not OperationCanceledException && !IsRefusal(completion))
            {
                // The store refused this result for good (too large, characters the database rejects): running the
                // node again would end the same way, so the node fails, saying why.
                LogCompletionRefused(_logger, completion.RunId, completion.NodeId, ex);
                completion = completion with
                {
                    Status = NodeStatus.Failed,
                    OutputJson = null,
                    FiredPorts = [],
                    WaitUntil = null,
                    WaitForChildren = null,
                    Error = $"{RefusedPrefix}({ex.GetType().Name}): {ex.Message}",
                };
            }
        }
    }

    /// <param name="claimChild">Set on the completion when the node succeeds (the pure start's nodes each claim a child).</param>
    /// <param name="beforeRunWritten">
    /// The node runs in the pure start, before its run is written: nobody can name the run to cancel it yet, so the
    /// execution is not listed among the running ones (<see cref="RunningNodes"/>).
    /// </param>
    // A ValueTask: a node that finishes on this thread (every pure node) completes it without a task object per node.
    private async ValueTask<(NodeCompletion Completion, string? ErrorKind)> RunNodeAsync(
        PlanNode node, ClaimedNode claim, CancellationToken hostStopping, ChainClaim? claimChild = null, bool beforeRunWritten = false)
    {
        NodeResult result;
        using var budget = await blobBudget.AcquireAsync(BlobBytesOf(claim), hostStopping).ConfigureAwait(false);
        using var inputs = NodeInputs.From(node, claim, blobReads);
        var startedAt = time.GetUtcNow();
        string? errorKind = null;
        var cancellation = beforeRunWritten ? new RunningNode() : running.Start(claim.RunId, node.Id);
        var input = AttemptInput(node, claim, inputs);
        TimeSpan? timeout = null;
        try
        {
            if (!nodeTypes.TryGet(node.Type, out var nodeType))
            {
                result = NodeResult.Fail($"Node type '{node.Type}' is not installed on this worker.");
                errorKind = NodeErrorKinds.MissingType;
            }
            else
            {
                timeout = TimeoutOf(node, nodeType);
                var timing = time.GetTimestamp();
                // A pure node's timer is set only when it has to wait: what it does before returning runs on this thread, and
                // nothing it does looks at its token, so a timer could not stop it there. Any other node's is set at once.
                var pure = nodeType.Descriptor.Pure;
                if (!pure)
                {
                    cancellation.TimeOutAfter(timeout.Value, time);
                }

                var token = cancellation.Token;
                var context = BuildContext(node, claim, inputs);
                if (!claim.HoldsRateSlot)
                {
                    var reserving = rateGate.ReserveAsync(nodeType.Descriptor, context, claim.OwnerId, token);
                    if (!reserving.IsCompleted && !cancellation.HasTimer)
                    {
                        cancellation.TimeOutAfter(timeout.Value - time.GetElapsedTime(timing), time);
                    }

                    if (await reserving.ConfigureAwait(false) is { IsNow: false } slot)
                    {
                        return (RateLimited(node, claim, slot, startedAt, input), null);
                    }
                }

                var executing = nodeType.ExecuteAsync(context, token);
                if (!executing.IsCompleted && !cancellation.HasTimer)
                {
                    cancellation.TimeOutAfter(timeout.Value - time.GetElapsedTime(timing), time);
                }

                // WaitAsync: a node that ignores its token still gives its attempt back when the time is up.
                result = await executing.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.RunCancelled)
        {
            var cancelled = Completion(claim, NodeStatus.Cancelled, null, "The run was cancelled.", []) with
            {
                Attempt = claim.Attempt, AttemptStartedAt = startedAt, InputJson = input,
            };
            return (cancelled, null);
        }
        catch (OperationCanceledException) when (hostStopping.IsCancellationRequested)
        {
            throw;
        }
        catch (ConnectionUnusableException ex)
        {
            // The connection stays missing, foreign or broken until someone fixes it: a retry would fail alike.
            result = NodeResult.Fail(ex.Message);
            errorKind = NodeErrorKinds.Thrown(ex);
        }
        catch (BlobMissingException ex)
        {
            // Running the node again would find the same blob missing.
            result = NodeResult.Fail(ex.Message);
            errorKind = NodeErrorKinds.Thrown(ex);
        }
        catch (ProviderRateLimitedException ex) when (rateGate.DeferAfterRefusal(ex, claim.ProviderRefusals) is { } retryAt)
        {
            // The provider's own limit: the call did not happen, so this is no failed attempt; the node runs again then.
            LogProviderDeferred(_logger, node.Id, claim.RunId, retryAt);
            return (Deferred(claim, retryAt, new RateLimitWait(HoldsSlot: false, claim.ProviderRefusals + 1)), null);
        }
        catch (ProviderRateLimitedException ex)
        {
            result = NodeResult.Fail($"{ex.Message} (refused {claim.ProviderRefusals + 1} times in a row)", ex.RetryAfter);
            errorKind = NodeErrorKinds.Thrown(ex);
        }
        catch (OperationCanceledException) when (cancellation.TimedOut && timeout is { } limit)
        {
            result = NodeResult.Fail(
                string.Create(CultureInfo.InvariantCulture, $"The attempt timed out after {limit.TotalMilliseconds:0} ms."), retryable: true);
        }
        catch (Exception ex)
        {
            // An exception escaping a node is unforeseen, so possibly passing: it may be retried when the node allows it.
            result = NodeResult.Fail($"{ex.GetType().Name}: {ex.Message}", retryable: true);
            errorKind = NodeErrorKinds.Thrown(ex);
        }
        finally
        {
            if (beforeRunWritten)
            {
                cancellation.Dispose();
            }
            else
            {
                running.Finish(claim.RunId, node.Id, cancellation);
            }
        }

        // A success's completion is made with its attempt at once: a node's completion is not copied to add them.
        var attempt = new AttemptRecord(claim.Attempt, startedAt, input, AttemptLog(result.Logs), claimChild);
        var completion = result.Kind switch
        {
            NodeResultKind.Succeeded => await SucceededAsync(claim, result, attempt, hostStopping).ConfigureAwait(false),
            NodeResultKind.Waiting when result.OpenChildren is { } open => Completion(claim, NodeStatus.Running, null, null, []) with { WaitForChildren = open },
            NodeResultKind.Waiting when result.WaitsForSignal => Completion(claim, NodeStatus.Running, null, null, []) with { WaitForSignal = true },
            NodeResultKind.Waiting => Completion(claim, NodeStatus.Running, null, null, []) with { WaitUntil = result.WaitUntil },
            _ => Failure(node, claim, result.Error ?? "The node failed without a message.", result.Retryable, result.RetryAfter),
        };
        if (result.Kind is not (NodeResultKind.Waiting or NodeResultKind.Succeeded))
        {
            completion = completion with { Attempt = claim.Attempt, AttemptStartedAt = startedAt, InputJson = input, Logs = attempt.Logs };
        }

        return (completion, errorKind ?? (result.Retryable ? NodeErrorKinds.ReportedRetryable : NodeErrorKinds.Reported));
    }

    /// <summary>
    /// The node's slot in its provider's or connection's budget is later (it waits for it on a durable timer, as the same
    /// attempt), or too far ahead (it fails, saying which budget, without a retry: another attempt would queue again).
    /// </summary>
    private NodeCompletion RateLimited(PlanNode node, ClaimedNode claim, NodeRateSlot slot, DateTimeOffset startedAt, string? input)
    {
        if (slot.DeferUntil is { } until)
        {
            return Deferred(claim, until, new RateLimitWait(HoldsSlot: true, claim.ProviderRefusals));
        }

        return Failure(node, claim, slot.Refusal!, retryable: false, null) with { Attempt = claim.Attempt, AttemptStartedAt = startedAt, InputJson = input };
    }

    private NodeCompletion Deferred(ClaimedNode claim, DateTimeOffset until, RateLimitWait wait) =>
        Completion(claim, NodeStatus.Running, null, null, []) with { WaitUntil = until, RateLimitWait = wait };

    private const string RefusedPrefix = "The node's result could not be recorded ";

    /// <summary>A claim of the next node for this worker, under a lease from now.</summary>
    private ChainClaim NewChainClaim() => new(worker.Id, time.GetUtcNow() + options.Value.LeaseDuration);

    private static bool IsRefusal(NodeCompletion completion) =>
        completion.Status == NodeStatus.Failed && completion.Error?.StartsWith(RefusedPrefix, StringComparison.Ordinal) == true;

    private static string InterruptedTooOften(ClaimedNode claim) =>
        $"Node '{claim.NodeId}' was started {claim.Interruptions} times without finishing: its worker process stopped or went silent each time. " +
        "It is not started again; check the worker's logs for a crash while it ran.";

    /// <summary>
    /// A failed attempt: retried later when the failure is retryable and attempts remain (not before the node's
    /// <see cref="NodeResult.RetryAfter"/>), else final.
    /// </summary>
    private NodeCompletion Failure(PlanNode node, ClaimedNode claim, string error, bool retryable, TimeSpan? retryAfter)
    {
        var policies = node.Policies;
        if (retryable && policies.Retry.AllowsRetryAfter(claim.Attempt))
        {
            var delay = policies.Retry.DelayAfter(claim.Attempt, Random.Shared.NextDouble(), retryAfter);
            return Completion(claim, NodeStatus.Failed, null, error, []) with { RetryAt = time.GetUtcNow() + delay };
        }

        if (policies.OnError == ErrorHandling.Continue)
        {
            var payload = new JsonObject { ["message"] = error, ["node"] = node.Id, ["attempt"] = claim.Attempt };
            return Completion(claim, NodeStatus.Failed, payload.ToJsonString(), error, [NodePorts.Error]) with { ThroughErrorPort = true };
        }

        return Completion(claim, NodeStatus.Failed, null, error, []);
    }

    private TimeSpan TimeoutOf(PlanNode node, INodeType nodeType) =>
        node.Policies.Timeout
        ?? (nodeType.Descriptor.DefaultTimeoutMs > 0 ? TimeSpan.FromMilliseconds(nodeType.Descriptor.DefaultTimeoutMs) : execution.Value.DefaultTimeout);

    /// <summary>The input as JSON text for the attempt record, reusing the stored text where the input is one document.</summary>
    private string? AttemptInput(PlanNode node, ClaimedNode claim, NodeInputs inputs)
    {
        var limit = execution.Value.MaxAttemptInputBytes;
        string? json;
        if (node.IsTrigger)
        {
            // A run input too large to record is measured where it lies, not copied into a string first.
            if (claim.RunInput is { } runInput && System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(runInput).Length is var inputBytes
                && inputBytes > limit)
            {
                return Truncated(inputBytes);
            }

            json = claim.RunInput?.GetRawText();
        }
        else if (BlobBytesOfInput(node, claim) is > 0 and var blobBytes)
        {
            // An input from the blob store is not read only to be recorded: when it cannot fit, only its size is kept.
            if (blobBytes > limit)
            {
                return Truncated(blobBytes + InlineBytesOfInput(node, claim));
            }

            try
            {
                json = inputs.Input?.ToJsonString();
            }
            catch (BlobMissingException)
            {
                // The node fails with this when it reads its input; the record keeps no input.
                return null;
            }
        }
        else if (node.Parents.Count == 1)
        {
            // The text the parent's output was stored as, when this process wrote it: the same as the parsed output's.
            json = claim.DependencyTexts?.GetValueOrDefault(node.Parents[0]) ?? claim.DependencyOutputs.GetValueOrDefault(node.Parents[0])?.GetRawText();
        }
        else
        {
            var keyed = new JsonObject();
            foreach (var parent in node.Parents)
            {
                keyed[parent] = NodeInputs.View(claim.DependencyOutputs.GetValueOrDefault(parent));
            }

            json = keyed.ToJsonString();
        }

        if (json is null || json.Length <= limit / 3 || System.Text.Encoding.UTF8.GetByteCount(json) <= limit)
        {
            return json;
        }

        return Truncated(System.Text.Encoding.UTF8.GetByteCount(json));
    }

    private static string Truncated(long bytes) => new JsonObject { ["truncated"] = true, ["bytes"] = bytes }.ToJsonString();

    private static long BlobBytesOfInput(PlanNode node, ClaimedNode claim)
    {
        long bytes = 0;
        if (claim.BlobOutputs.Count == 0)
        {
            return bytes;
        }

        for (var i = 0; i < node.Parents.Count; i++)
        {
            if (claim.BlobOutputs.TryGetValue(node.Parents[i], out var blob))
            {
                bytes += blob.Bytes;
            }
        }

        return bytes;
    }

    private static long InlineBytesOfInput(PlanNode node, ClaimedNode claim)
    {
        long bytes = 0;
        foreach (var parent in node.Parents)
        {
            if (claim.DependencyOutputs.GetValueOrDefault(parent) is { } output)
            {
                bytes += output.GetRawText().Length;
            }
        }

        return bytes;
    }

    private static long BlobBytesOf(ClaimedNode claim)
    {
        long bytes = 0;
        if (claim.BlobOutputs.Count == 0)
        {
            return bytes;
        }

        foreach (var blob in claim.BlobOutputs.Values)
        {
            bytes += blob.Bytes;
        }

        return bytes;
    }

    /// <summary>The node's log for the attempt record, cut to <see cref="ExecutionOptions.MaxAttemptLogBytes"/> at a character boundary.</summary>
    private string? AttemptLog(string? logs)
    {
        var limit = execution.Value.MaxAttemptLogBytes;
        if (limit == 0)
        {
            return null;
        }

        if (string.IsNullOrEmpty(logs) || logs.Length <= limit / 3 || System.Text.Encoding.UTF8.GetByteCount(logs) <= limit)
        {
            return string.IsNullOrEmpty(logs) ? null : logs;
        }

        var marker = string.Create(CultureInfo.InvariantCulture,
            $"\n… log cut at {limit:N0} bytes ({ExecutionOptions.Section}:{nameof(ExecutionOptions.MaxAttemptLogBytes)})");
        var budget = Math.Max(0, limit - System.Text.Encoding.UTF8.GetByteCount(marker));
        var kept = 0;
        var bytes = 0;
        foreach (var rune in logs.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            kept += rune.Utf16SequenceLength;
        }

        return logs[..kept] + marker;
    }

    private NodeCompletion Completion(ClaimedNode claim, NodeStatus status, string? output, string? error, IReadOnlyList<string> ports) =>
        new(claim.RunId, claim.NodeId, claim.Version, status, output, error, ports, time.GetUtcNow());

    private NodeContext BuildContext(PlanNode node, ClaimedNode claim, NodeInputs inputs) =>
        new()
        {
            RunId = claim.RunId,
            NodeId = node.Id,
            Attempt = claim.Attempt,
            Config = node.Config,
            LazyInput = inputs,
            Upstream = inputs.Upstream,
            FinishedParents = inputs.FinishedParents,
            ResumedFromWaitUntil = claim.ResumedFromWaitUntil,
            Time = time,
            Logger = _nodeLogger,
            HostStopping = lifetime.ApplicationStopping,
            MaxExpressionResultBytes = options.Value.MaxExpressionResultBytes,
            Views = this,
        };

    IRunBlobWriter INodeViews.BlobsFor(NodeContext context) => new RunBlobWriter(blobs, context.RunId);

    IChildRuns INodeViews.ChildrenFor(NodeContext context) => subflows.For(context.RunId, context.NodeId, context.Attempt);

    INodeConnections? INodeViews.ConnectionsFor(NodeContext context) => connections.For(context.RunId, context.NodeId);

    /// <summary>
    /// Serialises a successful output under <see cref="EngineOptions.MaxOutputBytes"/> and the JSON policy, so that
    /// what is stored reads back. Too large or unreadable an output fails the node for good: the same input would
    /// produce it again.
    /// </summary>
    private async ValueTask<NodeCompletion> SucceededAsync(ClaimedNode claim, NodeResult result, AttemptRecord attempt, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxOutputBytes;
        string? output;
        ReadOnlyMemory<byte> utf8;
        long bytes;
        bool fits;
        JsonRejection? rejection;
        try
        {
            fits = JsonSize.TryWriteStored(result.Output, limit, options.Value.InlineOutputBytes, out output, out utf8, out bytes, out rejection);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            JsonPolicy.TrySerialize(result.Output, out _, out var why);
            return attempt.On(Completion(claim, NodeStatus.Failed, null, $"The node's output cannot be stored: {why?.Message ?? ex.Message}", []));
        }

        if (!fits)
        {
            var message = string.Create(CultureInfo.InvariantCulture,
                $"The output is {bytes:N0} bytes, over the limit of {limit:N0} bytes ({EngineOptions.Section}:{nameof(EngineOptions.MaxOutputBytes)}); have it return less data or raise the limit.");
            return attempt.On(Completion(claim, NodeStatus.Failed, null, message, []));
        }

        if (rejection is not null)
        {
            return attempt.On(Completion(claim, NodeStatus.Failed, null, $"The node's output cannot be stored: {rejection.Message}", []));
        }

        if (output is null && !utf8.IsEmpty)
        {
            // The blob is durable before the completion that references it commits; if this process stops in between,
            // the unreferenced blob stays with its run, read by nobody, and goes when the run is deleted.
            var blob = await blobs.WriteAsync(claim.RunId, utf8, cancellationToken).ConfigureAwait(false);
            return attempt.On(Completion(claim, NodeStatus.Succeeded, null, null, result.Ports)) with
            {
                OutputBlob = blob, OutputBlobContent = utf8, ClaimChild = attempt.ClaimChild,
            };
        }

        return new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Succeeded, output, null, result.Ports, time.GetUtcNow())
        {
            Attempt = attempt.Number,
            AttemptStartedAt = attempt.StartedAt,
            InputJson = attempt.InputJson,
            Logs = attempt.Logs,
            ClaimChild = attempt.ClaimChild,
        };
    }

    /// <summary>The attempt a completion records, and the child claim a success asks for.</summary>
    private readonly record struct AttemptRecord(int Number, DateTimeOffset StartedAt, string? InputJson, string? Logs, ChainClaim? ClaimChild)
    {
        public NodeCompletion On(NodeCompletion completion) =>
            completion with { Attempt = Number, AttemptStartedAt = StartedAt, InputJson = InputJson, Logs = Logs };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling work for node {NodeId} of run {RunId} hit a transient storage failure; retrying in a second")]
    private static partial void LogHandlingRetried(ILogger logger, Guid runId, string nodeId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the result of node {NodeId} of run {RunId} failed (attempt {Attempt}); trying again")]
    private static partial void LogCompletionRetried(ILogger logger, Guid runId, string nodeId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store refused the result of node {NodeId} of run {RunId}; the node fails")]
    private static partial void LogCompletionRefused(ILogger logger, Guid runId, string nodeId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling work for node {NodeId} of run {RunId} failed")]
    private static partial void LogHandlingFailed(ILogger logger, Guid runId, string nodeId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {FailedNode} ({NodeType}) of run {RunId} failed on attempt {Attempt}: {ErrorKind}")]
    private static partial void LogNodeFailed(ILogger logger, string failedNode, string nodeType, Guid runId, int attempt, string errorKind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {FailedNode} of run {RunId} failed with: {Error}")]
    private static partial void LogNodeFailure(ILogger logger, string failedNode, Guid runId, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} of run {RunId} failed on attempt {Attempt} ({ErrorKind}); trying again at {RetryAt}")]
    private static partial void LogNodeRetrying(ILogger logger, string nodeId, Guid runId, int attempt, DateTimeOffset retryAt, string errorKind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} of run {RunId} was refused by its provider (429); it runs again at {RetryAt}")]
    private static partial void LogProviderDeferred(ILogger logger, string nodeId, Guid runId, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} of run {RunId} was given back: version {FlowVersion} of its flow does not compile on this worker ({ProblemCodes})")]
    private static partial void LogVersionNotCompiled(ILogger logger, Guid runId, string nodeId, int flowVersion, string problemCodes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} failed at node {NodeId}: version {FlowVersion} of its flow does not compile on this worker")]
    private static partial void LogVersionFailed(ILogger logger, Guid runId, string nodeId, int flowVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} has no node {NodeId} in its flow version; message dropped")]
    private static partial void LogUnknownNode(ILogger logger, Guid runId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Completion of node {NodeId} of run {RunId} was ignored: its claim had been taken over")]
    private static partial void LogStaleCompletion(ILogger logger, Guid runId, string nodeId);
}
