using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;
using FlowForge.Storage.Sql.Reopening;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement SelectRunAttempt = new(nameof(SelectRunAttempt), """
        SELECT Attempt, StartedAt FROM Runs WHERE Id = @runId
        """);

    private static readonly SqlStatement SelectNodesForReopen = new(nameof(SelectNodesForReopen), """
        SELECT NodeId, Status, Version, Ports, LeaseUntil, WaitUntil FROM NodeInstances WHERE RunId = @runId
        """);

    // Attempt stays: the node's next claim counts on from it, and its ended attempts keep their rows.
    private static readonly SqlStatement ReopenNode = new(nameof(ReopenNode), """
        UPDATE NodeInstances
        SET Status = @status, Version = Version + 1, PendingParents = @pendingParents, ActiveParents = @activeParents,
            ReadyAt = @readyAt, StartedAt = NULL, FinishedAt = @finishedAt, LeaseUntil = NULL, WaitUntil = NULL, WaitKind = NULL,
            ResumedFrom = NULL, Output = NULL, Error = NULL, Ports = NULL, WorkerId = NULL, Interruptions = 0
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version
        """);

    private static readonly SqlStatement ReopenRun = new(nameof(ReopenRun), """
        UPDATE Runs
        SET Status = @status, Error = NULL, FinishedAt = @finishedAt, RemainingNodes = @remainingNodes, Attempt = Attempt + 1
        WHERE Id = @runId AND Status IN ('Failed', 'Cancelled')
        """);

    public Task<ReopenResult?> ReopenRunAsync(Guid runId, Guid? ownerId, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken) =>
        _executor.WriteAsync(ReopenRunCoreAsync, (RunId: runId, OwnerId: ownerId, Plan: plan, At: UnixMicros.From(at)), cancellationToken);

    private static async ValueTask<ReopenResult?> ReopenRunCoreAsync(
        SqlSession s, (Guid RunId, Guid? OwnerId, ExecutionPlan Plan, long At) a, CancellationToken ct)
    {
        var run = await ReadRunForChangeAsync(s, a.RunId, ct);
        if (run is null || (a.OwnerId is { } owner && run.OwnerId != owner))
        {
            return null;
        }

        if (run.FlowId != a.Plan.FlowId || run.FlowVersion != a.Plan.Version)
        {
            throw new ArgumentException(
                $"Run {a.RunId} runs flow {run.FlowId} version {run.FlowVersion}, not the plan's flow {a.Plan.FlowId} version {a.Plan.Version}.", nameof(a));
        }

        int attempt;
        bool started;
        await using (var reader = await s.ReaderAsync(s.Command(SelectRunAttempt).Bind("@runId", a.RunId), ct))
        {
            await reader.ReadAsync(ct);
            attempt = reader.GetInt32(0);
            started = !reader.IsDBNull(1);
        }

        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            return ReopenResult.Refused(ReopenOutcome.NotFailed, run.Status, attempt);
        }

        var rows = new Dictionary<string, ReopenRow>(a.Plan.Nodes.Count, StringComparer.Ordinal);
        await using (var reader = await s.ReaderAsync(s.Command(SelectNodesForReopen).Bind("@runId", a.RunId), ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows[reader.GetString(0)] = new ReopenRow(
                    StatusNames.NodeStatusOf(reader.GetString(1)), reader.GetInt64(2), reader.GetNullableString(3), reader.GetNullableInt64(4), reader.GetNullableInt64(5));
            }
        }

        var plan = new ReopenPlan(a.Plan, rows, a.At);
        if (plan.Refusal is { } refusal)
        {
            return ReopenResult.Refused(refusal.Outcome, run.Status, attempt, refusal.NodeId);
        }

        var changes = new List<NodeStateChange>();
        var messages = new List<OutboxMessage>();
        foreach (var (nodeId, state) in plan.Reopened)
        {
            var row = rows[nodeId];
            var reopen = s.Command(ReopenNode)
                .Bind("@status", StatusNames.Of(state.Status))
                .Bind("@pendingParents", state.PendingParents)
                .Bind("@activeParents", state.ActiveParents)
                .Bind("@readyAt", state.Status == NodeStatus.Ready ? a.At : null)
                .Bind("@finishedAt", state.Status == NodeStatus.Skipped ? a.At : null)
                .Bind("@runId", a.RunId)
                .Bind("@nodeId", nodeId)
                .Bind("@version", row.Version);
            if (await s.ExecuteAsync(reopen, ct) == 0)
            {
                // The run row is locked (or the writer is single): nothing else may change its nodes meanwhile.
                throw new InvalidOperationException($"Node '{nodeId}' of run {a.RunId} changed while the run was being reopened.");
            }

            if (state.Status != row.Status)
            {
                changes.Add(new NodeStateChange(nodeId, state.Status));
            }

            if (state.Status == NodeStatus.Ready)
            {
                var kind = a.Plan[nodeId].IsTrigger ? WorkKind.StartFlow : WorkKind.ExecuteNode;
                var message = new WorkMessage(kind, a.RunId, nodeId, row.Version + 1, run.FlowId, run.FlowVersion);
                messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
            }
        }

        // A reopened run whose reopened nodes were all skipped has nothing left to do: it has succeeded.
        var status = plan.Remaining == 0 ? RunStatus.Succeeded : started ? RunStatus.Running : RunStatus.Pending;
        var update = s.Command(ReopenRun)
            .Bind("@status", StatusNames.Of(status))
            .Bind("@finishedAt", status == RunStatus.Succeeded ? a.At : null)
            .Bind("@remainingNodes", plan.Remaining)
            .Bind("@runId", a.RunId);
        await s.ExecuteAsync(update, ct);
        return new ReopenResult(ReopenOutcome.Reopened, status, attempt + 1, changes, messages);
    }
}
