using System.Globalization;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement FinishNode = new(nameof(FinishNode), """
        UPDATE NodeInstances
        SET Status = @status, Output = @output, OutputBlob = @outputBlob, OutputBytes = @outputBytes, Error = @error, Ports = @ports, FinishedAt = @at, Version = Version + 1,
            LeaseUntil = NULL, WaitUntil = NULL
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement ParkNodeOnTimer = new(nameof(ParkNodeOnTimer), """
        UPDATE NodeInstances SET Version = Version + 1, LeaseUntil = NULL, WaitUntil = @waitUntil
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement ParkNodeOnRateLimit = new(nameof(ParkNodeOnRateLimit), """
        UPDATE NodeInstances SET Version = Version + 1, LeaseUntil = NULL, WaitUntil = @waitUntil, WaitKind = @waitKind
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement ParkNodeOnSignal = new(nameof(ParkNodeOnSignal), """
        UPDATE NodeInstances SET Version = Version + 1, LeaseUntil = NULL, WaitUntil = @waitUntil, WaitKind = 'signal'
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    // The failed attempt's error stays visible on the node until the next attempt ends.
    private static readonly SqlStatement ParkNodeForRetry = new(nameof(ParkNodeForRetry), """
        UPDATE NodeInstances SET Version = Version + 1, LeaseUntil = NULL, WaitUntil = @retryAt, WaitKind = 'retry', Error = @error
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement InsertAttempt = new(nameof(InsertAttempt), """
        INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
        VALUES (@runId, @nodeId, @attempt, @status, @startedAt, @finishedAt, @retryAt, @error, @inputJson, @logs)
        """);

    // Relative updates followed by a read in the same transaction: two parents of one join completing at
    // once in PostgreSQL or MySQL each subtract their own edges, and each sees the other's subtraction.
    private static readonly SqlStatement ResolveParentEdges = new(nameof(ResolveParentEdges), """
        UPDATE NodeInstances
        SET PendingParents = PendingParents - @edges, ActiveParents = ActiveParents + @activeEdges
        WHERE RunId = @runId AND NodeId = @nodeId AND Status = 'Pending'
        """);

    // The same in one statement where UPDATE … RETURNING exists. Every right-hand side sees the row as it
    // was before the update (SQLite and PostgreSQL evaluate them all first), so the CASEs compare the
    // old counts with the edges being resolved.
    private static readonly SqlStatement ResolveParentEdgesReturning = new(nameof(ResolveParentEdgesReturning), """
        UPDATE NodeInstances
        SET PendingParents = PendingParents - @edges,
            ActiveParents = ActiveParents + @activeEdges,
            Status = CASE WHEN PendingParents > @edges THEN Status
                          WHEN ActiveParents + @activeEdges > 0 THEN 'Ready'
                          ELSE 'Skipped' END,
            Version = CASE WHEN PendingParents > @edges THEN Version ELSE Version + 1 END,
            ReadyAt = CASE WHEN PendingParents <= @edges AND ActiveParents + @activeEdges > 0 THEN @at ELSE ReadyAt END,
            FinishedAt = CASE WHEN PendingParents <= @edges AND ActiveParents + @activeEdges = 0 THEN @at ELSE FinishedAt END
        WHERE RunId = @runId AND NodeId = @nodeId AND Status = 'Pending'
        RETURNING Status, Version
        """);

    private static readonly SqlStatement SelectJoinState = new(nameof(SelectJoinState), """
        SELECT PendingParents, ActiveParents, Version FROM NodeInstances WHERE RunId = @runId AND NodeId = @nodeId
        """);

    private static readonly SqlStatement MarkNodeReady = new(nameof(MarkNodeReady), """
        UPDATE NodeInstances SET Status = 'Ready', Version = Version + 1, ReadyAt = @at
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version
        """);

    private static readonly SqlStatement MarkNodeSkipped = new(nameof(MarkNodeSkipped), """
        UPDATE NodeInstances SET Status = 'Skipped', Version = Version + 1, FinishedAt = @at
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version
        """);

    private static readonly SqlStatement CountDownRemainingNodes = new(nameof(CountDownRemainingNodes), """
        UPDATE Runs SET RemainingNodes = RemainingNodes - @finished WHERE Id = @runId
        """);

    private static readonly SqlStatement CountDownRemainingNodesReturning = new(nameof(CountDownRemainingNodesReturning), """
        UPDATE Runs
        SET RemainingNodes = RemainingNodes - @finished,
            Status = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN 'Succeeded' ELSE Status END,
            FinishedAt = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN @at ELSE FinishedAt END
        WHERE Id = @runId
        RETURNING Status
        """);

    // MySQL assigns left to right, each assignment seeing the ones before it: the count is lowered last. The read of the
    // status travels with the update (an unprepared text of two statements is one round trip).
    private static readonly SqlStatement CountDownRemainingNodesAndRead = new(nameof(CountDownRemainingNodesAndRead), """
        UPDATE Runs
        SET FinishedAt = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN @at ELSE FinishedAt END,
            Status = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN 'Succeeded' ELSE Status END,
            RemainingNodes = RemainingNodes - @finished
        WHERE Id = @runId;
        SELECT Status FROM Runs WHERE Id = @runId
        """) { Prepares = false };

    private static readonly SqlStatement SelectRemainingNodes = new(nameof(SelectRemainingNodes), """
        SELECT RemainingNodes FROM Runs WHERE Id = @runId
        """);

    private static readonly SqlStatement SucceedRun = new(nameof(SucceedRun), """
        UPDATE Runs SET Status = 'Succeeded', FinishedAt = @at WHERE Id = @runId AND Status = 'Running'
        """);

    private static readonly SqlStatement FailRun = new(nameof(FailRun), """
        UPDATE Runs SET Status = 'Failed', Error = @error, FinishedAt = @at
        WHERE Id = @runId AND Status IN ('Pending', 'Running')
        """);

    /// <remarks>
    /// A Cancelled completion on a run that is still going fires no port: its children see its edges as
    /// resolved but not taken, so the run still reaches an end.
    /// </remarks>
    public Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        switch (completion.Status)
        {
            case NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Cancelled:
                break;
            case NodeStatus.Running when completion.WaitUntil is not null || completion.WaitForSignal || completion.WaitForChildren is not null:
                break;
            default:
                throw new ArgumentException(
                    $"A completion of node '{completion.NodeId}' must be Succeeded, Failed, Cancelled, or Running with WaitUntil or WaitForSignal; got {completion.Status}.",
                    nameof(completion));
        }

        if (!plan.TryGetNode(completion.NodeId, out _))
        {
            throw new ArgumentException($"Node '{completion.NodeId}' is not in the plan of flow {plan.FlowId} version {plan.Version}.", nameof(completion));
        }

        // Where the dialect says so, the region writes of one group-commit batch go together: on MySQL in texts of multi-row
        // statements (SqlStorage.RegionBatches.cs), on PostgreSQL over arrays (SqlStorage.RegionArraySets.cs).
        var dialect = _executor.Dialect;
        return completion.Preceding.Count > 0 && dialect.WritesRegionArrays
            ? _executor.WriteBatchedAsync(RegionArrayBatch.Instance, (completion, plan), completion.RunId, cancellationToken)
            : completion.Preceding.Count > 0 && dialect.WritesRegionSets
            ? _executor.WriteBatchedAsync(RegionBatch.Instance, (completion, plan), completion.RunId, cancellationToken)
            : _executor.WriteAsync(CompleteNodeCoreAsync, (Completion: completion, Plan: plan), completion.RunId, cancellationToken);
    }

    private static ValueTask<CompletionResult> CompleteNodeCoreAsync(SqlSession s, (NodeCompletion Completion, ExecutionPlan Plan) a, CancellationToken ct) =>
        a.Completion.Preceding.Count == 0 ? CompleteOneAsync(s, a.Completion, a.Plan, null, ct) : CompleteRegionAsync(s, a.Completion, a.Plan, ct);

    /// <summary>
    /// Records one completion. <paramref name="region"/>, for a completion of a pure region's write, replaces the claim
    /// slot the completion's own <see cref="NodeCompletion.ClaimChild"/> would make (see <see cref="CompleteRegionAsync"/>).
    /// </summary>
    private static async ValueTask<CompletionResult> CompleteOneAsync(SqlSession s, NodeCompletion completion, ExecutionPlan plan, ChildClaimSlot? region, CancellationToken ct)
    {
        var at = UnixMicros.From(completion.At);
        var run = await ReadRunForChangeAsync(s, completion.RunId, ct);
        if (run is null)
        {
            return CompletionResult.Stale;
        }

        if (completion.Status == NodeStatus.Running && run.Status.IsFinal())
        {
            // A node asking to wait in a run that has ended would wait forever: it ends as Cancelled.
            var cancel = s.Command(CancelNode)
                .Bind("@at", at)
                .Bind("@runId", completion.RunId)
                .Bind("@nodeId", completion.NodeId)
                .Bind("@version", completion.Version);
            return await s.ExecuteAsync(cancel, ct) == 0
                ? CompletionResult.Stale
                : new CompletionResult(true, [], [new NodeStateChange(completion.NodeId, NodeStatus.Cancelled)], null);
        }

        if (completion.WaitForChildren is { } expectedOpen)
        {
            return await ParkOnChildrenAsync(s, run, completion, expectedOpen, at, ct);
        }

        if (completion.WaitForSignal)
        {
            var parkOnSignal = s.Command(ParkNodeOnSignal)
                .Bind("@waitUntil", WaitKinds.SignalWaitUntil)
                .Bind("@runId", completion.RunId)
                .Bind("@nodeId", completion.NodeId)
                .Bind("@version", completion.Version);
            return await s.ExecuteAsync(parkOnSignal, ct) == 0 ? CompletionResult.Stale : new CompletionResult(true, [], [], null);
        }

        if (completion is { Status: NodeStatus.Running, RateLimitWait: { } rateWait })
        {
            // Deferred by a rate limit: a durable timer whose kind tells the claim not to count an attempt.
            var parkOnRate = s.Command(ParkNodeOnRateLimit)
                .Bind("@waitUntil", UnixMicros.From(completion.WaitUntil!.Value))
                .Bind("@waitKind", RateWaitKinds.Encode(rateWait))
                .Bind("@runId", completion.RunId)
                .Bind("@nodeId", completion.NodeId)
                .Bind("@version", completion.Version);
            return await s.ExecuteAsync(parkOnRate, ct) == 0 ? CompletionResult.Stale : new CompletionResult(true, [], [], null);
        }

        if (completion.Status == NodeStatus.Running)
        {
            // The node waits on a durable timer: same attempt, new version for the timer's message.
            var park = s.Command(ParkNodeOnTimer)
                .Bind("@waitUntil", UnixMicros.From(completion.WaitUntil!.Value))
                .Bind("@runId", completion.RunId)
                .Bind("@nodeId", completion.NodeId)
                .Bind("@version", completion.Version);
            return await s.ExecuteAsync(park, ct) == 0 ? CompletionResult.Stale : new CompletionResult(true, [], [], null);
        }

        if (completion is { Status: NodeStatus.Failed, RetryAt: { } retryAt } && !run.Status.IsFinal())
        {
            // The next attempt waits on a durable timer; a Ready-like message would run it before its time.
            var retry = s.Command(ParkNodeForRetry)
                .Bind("@retryAt", UnixMicros.From(retryAt))
                .Bind("@error", completion.Error)
                .Bind("@runId", completion.RunId)
                .Bind("@nodeId", completion.NodeId)
                .Bind("@version", completion.Version);
            if (await s.ExecuteAsync(retry, ct) == 0)
            {
                return CompletionResult.Stale;
            }

            await InsertAttemptAsync(s, completion, at, UnixMicros.From(retryAt), ct);
            return new CompletionResult(true, [], [], null);
        }

        // The ports are kept so that reopening the run can resolve this node's edges without running it again.
        var ports = completion.Status switch
        {
            NodeStatus.Succeeded => PortList.Encode(completion.FiredPorts),
            NodeStatus.Failed when completion.ThroughErrorPort => PortList.Encode([NodePorts.Error]),
            _ => null,
        };
        var finish = s.Command(FinishNode)
            .Bind("@status", StatusNames.Of(completion.Status))
            .Bind("@output", completion.OutputJson)
            .Bind("@outputBlob", completion.OutputBlob?.Id)
            .Bind("@outputBytes", completion.OutputBlob?.Bytes)
            .Bind("@error", completion.Error)
            .Bind("@ports", ports)
            .Bind("@at", at)
            .Bind("@runId", completion.RunId)
            .Bind("@nodeId", completion.NodeId)
            .Bind("@version", completion.Version);
        if (await s.ExecuteAsync(finish, ct) == 0)
        {
            return CompletionResult.Stale;
        }

        await InsertAttemptAsync(s, completion, at, null, ct);
        var changes = new List<NodeStateChange> { new(completion.NodeId, completion.Status) };
        if (run.Status.IsFinal())
        {
            // The run ended while this node executed: record the node, schedule nothing.
            return new CompletionResult(true, [], changes, null);
        }

        if (completion.Status == NodeStatus.Failed && !completion.ThroughErrorPort)
        {
            var error = completion.Error is null
                ? $"Node '{completion.NodeId}' failed."
                : $"Node '{completion.NodeId}' failed: {completion.Error}";
            await s.ExecuteAsync(s.Command(FailRun).Bind("@error", error).Bind("@at", at).Bind("@runId", run.Id), ct);
            // Child runs first: a child ending at the same time locks itself, then its parent's node (see WakeParentAsync).
            await CancelOpenDescendantsAsync(s, run.Id, at, [], ct);
            await CancelOpenNodesAsync(s, run.Id, at, changes, ct);
            var wakes = new List<OutboxMessage>();
            await WakeParentAsync(s, run, at, wakes, ct);
            return new CompletionResult(true, wakes, changes, RunStatus.Failed);
        }

        var messages = new List<OutboxMessage>();
        IReadOnlyList<string> firedPorts = completion.Status switch
        {
            NodeStatus.Succeeded => completion.FiredPorts,
            NodeStatus.Failed => [NodePorts.Error],
            _ => [],
        };
        var chain = region ?? (completion.ClaimChild is { } request ? new ChildClaimSlot(request) : null);
        var claimedBefore = chain?.Claimed;
        var skipped = await ResolveChildrenAsync(s, run, plan, completion.NodeId, firedPorts, at, messages, changes, chain, null, ct);
        var finished = await CountDownAsync(s, run, 1 + skipped, at, ct);
        if (finished is not null)
        {
            await WakeParentAsync(s, run, at, messages, ct);
        }

        ClaimedNode? claimedChild = null;
        if (chain?.Claimed is { } claimed && claimedBefore is null)
        {
            if (region is null)
            {
                claimedChild = await WithChainedInputsAsync(s, plan, completion, ports, at, claimed, null, ct);
            }
            else
            {
                // Its inputs are read once the whole write is done: other dependencies may be written after this one.
                region.ClaimedBy = (completion, ports, at);
            }
        }

        return new CompletionResult(true, messages, changes, finished) { ClaimedChild = claimedChild };
    }

    /// <summary>Keeps the attempt that just ended; a completion without an attempt number (a wait) records none.</summary>
    private static async ValueTask InsertAttemptAsync(SqlSession s, NodeCompletion completion, long at, long? retryAt, CancellationToken ct)
    {
        if (completion.Attempt <= 0)
        {
            return;
        }

        var insert = s.Command(InsertAttempt)
            .Bind("@runId", completion.RunId)
            .Bind("@nodeId", completion.NodeId)
            .Bind("@attempt", completion.Attempt)
            .Bind("@status", StatusNames.Of(completion.Status))
            .Bind("@startedAt", UnixMicros.From(completion.AttemptStartedAt))
            .Bind("@finishedAt", at)
            .Bind("@retryAt", retryAt)
            .Bind("@error", completion.Error)
            .Bind("@inputJson", completion.InputJson)
            .Bind("@logs", completion.Logs);
        await s.ExecuteAsync(insert, ct);
    }

    /// <summary>
    /// Resolves the edges from a finished node to its children. A child whose last edge is resolved becomes
    /// Ready (with a message) when any of its edges was taken, else Skipped; a skipped child resolves its own
    /// edges as not taken in turn. Returns how many nodes were skipped.
    /// </summary>
    private static ValueTask<int> ResolveChildrenAsync(
        SqlSession s,
        RunRow run,
        ExecutionPlan plan,
        string nodeId,
        IReadOnlyList<string> firedPorts,
        long at,
        List<OutboxMessage> messages,
        List<NodeStateChange> changes,
        CancellationToken ct) =>
        ResolveChildrenAsync(s, run, plan, nodeId, firedPorts, at, messages, changes, null, null, ct);

    /// <summary>
    /// As above; with <paramref name="chain"/>, the first child made Ready is claimed into it instead of given a message,
    /// and the edges to <paramref name="resolvedElsewhere"/> are left alone: the caller has resolved them itself.
    /// </summary>
    private static async ValueTask<int> ResolveChildrenAsync(
        SqlSession s,
        RunRow run,
        ExecutionPlan plan,
        string nodeId,
        IReadOnlyList<string> firedPorts,
        long at,
        List<OutboxMessage> messages,
        List<NodeStateChange> changes,
        ChildClaimSlot? chain,
        IReadOnlyDictionary<string, int>? resolvedElsewhere,
        CancellationToken ct)
    {
        var skipped = 0;
        List<string>? skippedToResolve = null;
        var current = nodeId;
        var fired = firedPorts;
        while (true)
        {
            var children = plan[current].Children;
            for (var i = 0; i < children.Count; i++)
            {
                var target = children[i].Target;
                if (!IsFirstEdgeTo(children, i) || resolvedElsewhere?.ContainsKey(target) == true)
                {
                    continue;
                }

                var (edges, activeEdges) = CountEdgesTo(children, i, fired);
                if (await ResolveEdgesAsync(s, run, target, edges, activeEdges, at, messages, changes, chain, ct))
                {
                    skipped++;
                    (skippedToResolve ??= []).Add(target);
                }
            }

            if (skippedToResolve is not { Count: > 0 })
            {
                return skipped;
            }

            current = skippedToResolve[^1];
            skippedToResolve.RemoveAt(skippedToResolve.Count - 1);
            fired = [];
        }
    }

    /// <summary>Returns true when the child was skipped.</summary>
    private static async ValueTask<bool> ResolveEdgesAsync(
        SqlSession s,
        RunRow run,
        string child,
        int edges,
        int activeEdges,
        long at,
        List<OutboxMessage> messages,
        List<NodeStateChange> changes,
        ChildClaimSlot? chain,
        CancellationToken ct)
    {
        var (outcome, version) = s.Dialect.SupportsUpdateReturning
            ? await ResolveEdgesReturningAsync(s, run.Id, child, edges, activeEdges, at, ct)
            : await ResolveEdgesPortablyAsync(s, run.Id, child, edges, activeEdges, at, ct);
        switch (outcome)
        {
            case NodeStatus.Skipped:
                changes.Add(new NodeStateChange(child, NodeStatus.Skipped));
                return true;
            case NodeStatus.Ready:
                if (chain?.Deferred is { } deferred && chain.Members!.Contains(child))
                {
                    // A node of the pure region whose completion comes later in this write: claimed when it is recorded.
                    deferred[child] = version;
                    return false;
                }

                if (chain is { Claimed: null, Request: { } request } && (request.NodeId is null || string.Equals(request.NodeId, child, StringComparison.Ordinal))
                    && await ClaimChainedAsync(s, run, child, version, at, request, ct) is { } claimed)
                {
                    // Running for the worker that asked: it runs the child next, so no message and no Ready change.
                    chain.Claimed = claimed;
                    return false;
                }

                var message = new WorkMessage(WorkKind.ExecuteNode, run.Id, child, version, run.FlowId, run.FlowVersion);
                messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
                changes.Add(new NodeStateChange(child, NodeStatus.Ready));
                return false;
            default:
                return false;
        }
    }

    /// <summary>The child's status after resolving the edges (Pending while it still waits) and its version.</summary>
    private static async ValueTask<(NodeStatus Status, long Version)> ResolveEdgesReturningAsync(
        SqlSession s, Guid runId, string child, int edges, int activeEdges, long at, CancellationToken ct)
    {
        var resolve = s.Command(ResolveParentEdgesReturning)
            .Bind("@edges", edges)
            .Bind("@activeEdges", activeEdges)
            .Bind("@at", at)
            .Bind("@runId", runId)
            .Bind("@nodeId", child);
        await using var reader = await s.ReaderAsync(resolve, ct);
        return await reader.ReadAsync(ct)
            ? (StatusNames.NodeStatusOf(reader.GetString(0)), reader.GetInt64(1))
            : (NodeStatus.Pending, 0);
    }

    private static async ValueTask<(NodeStatus Status, long Version)> ResolveEdgesPortablyAsync(
        SqlSession s, Guid runId, string child, int edges, int activeEdges, long at, CancellationToken ct)
    {
        var resolve = s.Command(ResolveParentEdges)
            .Bind("@edges", edges)
            .Bind("@activeEdges", activeEdges)
            .Bind("@runId", runId)
            .Bind("@nodeId", child);
        if (await s.ExecuteAsync(resolve, ct) == 0)
        {
            return (NodeStatus.Pending, 0);
        }

        long pendingParents;
        long activeParents;
        long version;
        await using (var reader = await s.ReaderAsync(s.Command(SelectJoinState).Bind("@runId", runId).Bind("@nodeId", child), ct))
        {
            await reader.ReadAsync(ct);
            pendingParents = reader.GetInt64(0);
            activeParents = reader.GetInt64(1);
            version = reader.GetInt64(2);
        }

        if (pendingParents > 0)
        {
            return (NodeStatus.Pending, version);
        }

        var (statement, status) = activeParents > 0 ? (MarkNodeReady, NodeStatus.Ready) : (MarkNodeSkipped, NodeStatus.Skipped);
        var mark = s.Command(statement).Bind("@at", at).Bind("@runId", runId).Bind("@nodeId", child).Bind("@version", version);
        return await s.ExecuteAsync(mark, ct) == 1 ? (status, version + 1) : (NodeStatus.Pending, version);
    }

    private static async ValueTask<RunStatus?> CountDownAsync(SqlSession s, RunRow run, int finishedNodes, long at, CancellationToken ct)
    {
        if (s.Dialect.SupportsUpdateReturning)
        {
            var countDown = s.Command(CountDownRemainingNodesReturning).Bind("@finished", finishedNodes).Bind("@at", at).Bind("@runId", run.Id);
            var status = (string?)await s.ScalarAsync(countDown, ct);
            return run.Status == RunStatus.Running && status == "Succeeded" ? RunStatus.Succeeded : null;
        }

        if (s.Dialect is MySqlDialect)
        {
            var countDown = s.Command(CountDownRemainingNodesAndRead).Bind("@finished", finishedNodes).Bind("@at", at).Bind("@runId", run.Id);
            string? status = null;
            await using (var reader = await s.ReaderAsync(countDown, ct))
            {
                do
                {
                    if (await reader.ReadAsync(ct))
                    {
                        status = reader.GetString(0);
                    }
                }
                while (await reader.NextResultAsync(ct));
            }

            return run.Status == RunStatus.Running && status == "Succeeded" ? RunStatus.Succeeded : null;
        }

        await s.ExecuteAsync(s.Command(CountDownRemainingNodes).Bind("@finished", finishedNodes).Bind("@runId", run.Id), ct);
        var remaining = Convert.ToInt64(await s.ScalarAsync(s.Command(SelectRemainingNodes).Bind("@runId", run.Id), ct), CultureInfo.InvariantCulture);
        if (remaining > 0 || run.Status != RunStatus.Running)
        {
            return null;
        }

        return await s.ExecuteAsync(s.Command(SucceedRun).Bind("@at", at).Bind("@runId", run.Id), ct) == 1 ? RunStatus.Succeeded : null;
    }

    private static bool IsFirstEdgeTo(IReadOnlyList<PlanEdge> edges, int index)
    {
        var target = edges[index].Target;
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(edges[j].Target, target, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static (int Edges, int ActiveEdges) CountEdgesTo(IReadOnlyList<PlanEdge> edges, int first, IReadOnlyList<string> firedPorts)
    {
        var target = edges[first].Target;
        var count = 0;
        var active = 0;
        for (var j = first; j < edges.Count; j++)
        {
            if (!string.Equals(edges[j].Target, target, StringComparison.Ordinal))
            {
                continue;
            }

            count++;
            if (Contains(firedPorts, edges[j].Port))
            {
                active++;
            }
        }

        return (count, active);
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
