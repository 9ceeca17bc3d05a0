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
    // The unique index on (OwnerId, FlowId, IdempotencyKey) turns a second create with the same key into
    // 0 rows inserted, in every dialect and however the two creates interleave.
    private const string RunColumns =
        "Id, OwnerId, FlowId, FlowVersion, Status, IdempotencyKey, RemainingNodes, Error, CreatedAt, StartedAt, FinishedAt, ParentRunId, ParentNodeId, ItemIndex, ParentAttempt, SubflowDepth";

    private const string RunValues =
        "@id, @ownerId, @flowId, @flowVersion, @status, @idempotencyKey, @remainingNodes, NULL, @createdAt, @startedAt, @finishedAt, @parentRunId, @parentNodeId, @itemIndex, @parentAttempt, @depth";

    private static readonly SqlStatement InsertRun = new(nameof(InsertRun), static d => d.InsertOrIgnore("Runs", RunColumns, RunValues));

    private static readonly SqlStatement SelectChildRunByItem = new(nameof(SelectChildRunByItem), """
        SELECT Id, Status FROM Runs WHERE ParentRunId = @runId AND ParentNodeId = @nodeId AND ItemIndex = @itemIndex
        """);

    private static readonly SqlStatement InsertRunInput = new(nameof(InsertRunInput), """
        INSERT INTO RunInputs (RunId, InputJson) VALUES (@runId, @inputJson)
        """);

    private static readonly SqlStatement SelectRunByIdempotencyKey = new(nameof(SelectRunByIdempotencyKey), """
        SELECT Id, Status FROM Runs WHERE OwnerId = @ownerId AND FlowId = @flowId AND IdempotencyKey = @idempotencyKey
        """);

    private static readonly SqlStatement InsertOutbox = new(nameof(InsertOutbox), d => d.InsertReturningId(
        "Outbox", "Kind, RunId, NodeId, Version, FlowId, FlowVersion", "@kind, @runId, @nodeId, @version, @flowId, @flowVersion"));

    private static readonly SqlStatement SelectRunForChange = new(nameof(SelectRunForChange), d => $"""
        SELECT Status, OwnerId, FlowId, FlowVersion, ParentRunId, ParentNodeId FROM Runs WHERE Id = @runId{d.ForUpdate}
        """);

    private static readonly SqlStatement SelectOpenNodes = new(nameof(SelectOpenNodes), """
        SELECT NodeId, Version, Ordinal FROM NodeInstances
        WHERE RunId = @runId AND (Status IN ('Pending', 'Ready') OR (Status = 'Running' AND WaitUntil IS NOT NULL))
        """);

    private static readonly SqlStatement CancelNode = new(nameof(CancelNode), """
        UPDATE NodeInstances
        SET Status = 'Cancelled', Version = Version + 1, FinishedAt = @at, LeaseUntil = NULL, WaitUntil = NULL
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version
        """);

    public Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        if (run.TriggerNodeId is { } triggerId ? !plan.TryGetNode(triggerId, out var named) || !named.IsTrigger : plan.Triggers.Count != 1)
        {
            throw new ArgumentException(
                run.TriggerNodeId is null
                    ? $"Flow {plan.FlowId} version {plan.Version} has {plan.Triggers.Count} triggers; the run must name the one it starts at."
                    : $"Node '{run.TriggerNodeId}' is not a trigger of flow {plan.FlowId} version {plan.Version}.",
                nameof(run));
        }

        if (run.StartRegion.Count > 0 && (run.TriggerOutputJson is null || !FollowsTrigger(run, plan)))
        {
            throw new ArgumentException(
                $"The nodes written with run {run.Id} must follow its trigger's output, be nodes of its plan, have succeeded and carry the claim they are recorded with.",
                nameof(run));
        }

        // Where the dialect says so (MySQL, PostgreSQL), the new runs of one group-commit batch are written together
        // (SqlStorage.RunSets.cs, SqlStorage.RunArraySets.cs).
        return _executor.Dialect.RunSets != RunSetForm.None
            ? _executor.WriteBatchedAsync(RunSet.Instance, (run, plan), Guid.Empty, cancellationToken)
            : _executor.WriteAsync(CreateRunCoreAsync, (Run: run, Plan: plan), cancellationToken);
    }

    /// <summary>Whether every node written with the run is of its plan, succeeded and carries its claim (a loop: no closure per run).</summary>
    private static bool FollowsTrigger(NewRun run, ExecutionPlan plan)
    {
        for (var i = 0; i < run.StartRegion.Count; i++)
        {
            var c = run.StartRegion[i];
            if (c.Status != NodeStatus.Succeeded || c.ClaimChild is null || c.RunId != run.Id || !plan.TryGetNode(c.NodeId, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static ValueTask<RunCreation> CreateRunCoreAsync(SqlSession s, (NewRun Run, ExecutionPlan Plan) a, CancellationToken ct)
    {
        var (run, plan) = a;
        var (start, createdAt, startAt) = StartOf(run, plan);
        return CreateFromRowsAsync(s, run, plan, start, createdAt, startAt, ct);
    }

    /// <summary>A new run's rows as its write leaves them, with the trigger's completion where its output is known.</summary>
    private static (StartRows Start, long CreatedAt, string StartAt) StartOf(NewRun run, ExecutionPlan plan)
    {
        var createdAt = UnixMicros.From(run.CreatedAt);
        var startAt = run.TriggerNodeId ?? plan.Trigger.Id;
        var start = new StartRows(run, plan, startAt, createdAt);
        if (run.TriggerOutputJson is { } output)
        {
            start.TryComplete(startAt, output, createdAt);
        }

        return (start, createdAt, startAt);
    }

    /// <summary>
    /// The trigger's output is known (it passes the run input on): it is claimed and completed in this transaction, as a
    /// worker would have in two more, so the run is written Running with the trigger's children Ready and their messages (but
    /// for the one <see cref="NewRun.ClaimChild"/> claims for the starting process).
    /// </summary>
    private static async ValueTask<RunCreation> CreateWithTriggerCompletedAsync(
        SqlSession s, NewRun run, ExecutionPlan plan, WorkMessage start, string output, long createdAt, IReadOnlyList<NodeStateChange> changes, CancellationToken ct)
    {
        var claimed = await TryClaimCoreAsync(s, (start, Guid.Empty, createdAt, createdAt), ct)
            ?? throw new InvalidOperationException($"The trigger '{start.NodeId}' of the new run {run.Id} could not be claimed.");
        var completion = new NodeCompletion(run.Id, start.NodeId, claimed.Version, NodeStatus.Succeeded, output, null, [NodePorts.Main], run.CreatedAt)
        {
            Attempt = claimed.Attempt,
            AttemptStartedAt = run.CreatedAt,
            InputJson = run.TriggerAttemptInput,
            ClaimChild = run.ClaimChild,
        };
        if (run.StartRegion.Count > 0)
        {
            // The pure nodes run before this write follow the trigger as a region's completions follow its first node's.
            var region = run.StartRegion;
            completion = region[^1] with
            {
                Preceding = [completion with { ClaimChild = region[0].ClaimChild }, .. region.Take(region.Count - 1)],
                ClaimChild = run.ClaimChild,
            };
        }

        var result = await CompleteNodeCoreAsync(s, (completion, plan), ct);
        return new RunCreation(run.Id, true, RunStatus.Pending, result.Messages)
        {
            Changes = changes,
            TriggerCompleted = true,
            TriggerChanges = result.Changes,
            RunFinished = result.RunFinished,
            ClaimedChild = result.ClaimedChild,
        };
    }

    private static async ValueTask<RunCreation> ExistingRunAsync(SqlSession s, NewRun run, CancellationToken ct)
    {
        if (run.Parent is { } parent)
        {
            var byItem = s.Command(SelectChildRunByItem)
                .Bind("@runId", parent.ParentRunId)
                .Bind("@nodeId", parent.ParentNodeId)
                .Bind("@itemIndex", parent.ItemIndex);
            await using var reader = await s.ReaderAsync(byItem, ct);
            if (await reader.ReadAsync(ct))
            {
                return new RunCreation(reader.GetGuid(0), false, StatusNames.RunStatusOf(reader.GetString(1)), []);
            }
        }
        else if (run.IdempotencyKey is not null)
        {
            var select = s.Command(SelectRunByIdempotencyKey)
                .Bind("@ownerId", run.OwnerId)
                .Bind("@flowId", run.FlowId)
                .Bind("@idempotencyKey", run.IdempotencyKey);
            await using var reader = await s.ReaderAsync(select, ct);
            if (await reader.ReadAsync(ct))
            {
                return new RunCreation(reader.GetGuid(0), false, StatusNames.RunStatusOf(reader.GetString(1)), []);
            }
        }

        throw new InvalidOperationException($"A run with id {run.Id} already exists.");
    }

    /// <summary>The message's outbox id; 0 (no row) when the session writes no outbox.</summary>
    private static async ValueTask<long> InsertOutboxAsync(SqlSession s, WorkMessage message, CancellationToken ct)
    {
        if (!s.WritesOutbox)
        {
            return OutboxMessage.NotStored;
        }

        var command = s.Command(InsertOutbox)
            .Bind("@kind", StatusNames.Of(message.Kind))
            .Bind("@runId", message.RunId)
            .Bind("@nodeId", message.NodeId)
            .Bind("@version", message.Version)
            .Bind("@flowId", message.FlowId)
            .Bind("@flowVersion", message.FlowVersion);
        return Convert.ToInt64(await s.ScalarAsync(command, ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the run a write is about to change (locking it where the dialect needs that).</summary>
    private static async ValueTask<RunRow?> ReadRunForChangeAsync(SqlSession s, Guid runId, CancellationToken ct)
    {
        await using var reader = await s.ReaderAsync(s.Command(SelectRunForChange).Bind("@runId", runId), ct);
        return await reader.ReadAsync(ct) ? RunRowOf(reader, runId) : null;
    }

    /// <summary>The run's row as <see cref="SelectRunForChange"/> reads it, from the reader's current row.</summary>
    private static RunRow RunRowOf(System.Data.Common.DbDataReader reader, Guid runId) =>
        new(runId, StatusNames.RunStatusOf(reader.GetString(0)), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt32(3))
        {
            ParentRunId = reader.IsDBNull(4) ? null : reader.GetGuid(4),
            ParentNodeId = reader.GetNullableString(5),
        };

    /// <summary>
    /// Cancels every node of the run that has not started executing: Pending, Ready, and Running on a timer.
    /// Nodes executing right now are left to finish and be recorded.
    /// </summary>
    private static async ValueTask CancelOpenNodesAsync(SqlSession s, Guid runId, long at, List<NodeStateChange> changes, CancellationToken ct)
    {
        var open = new List<(int Ordinal, string NodeId, long Version)>();
        await using (var reader = await s.ReaderAsync(s.Command(SelectOpenNodes).Bind("@runId", runId), ct))
        {
            while (await reader.ReadAsync(ct))
            {
                open.Add((reader.GetInt32(2), reader.GetString(0), reader.GetInt64(1)));
            }
        }

        open.Sort((x, y) => x.Ordinal.CompareTo(y.Ordinal));
        var cancel = s.Command(CancelNode);
        foreach (var (_, nodeId, version) in open)
        {
            cancel.Bind("@runId", runId).Bind("@nodeId", nodeId).Bind("@version", version).Bind("@at", at);
            if (await s.ExecuteAsync(cancel, ct) == 1)
            {
                changes.Add(new NodeStateChange(nodeId, NodeStatus.Cancelled));
            }
        }
    }

    private sealed record RunRow(Guid Id, RunStatus Status, Guid OwnerId, Guid FlowId, int FlowVersion)
    {
        /// <summary>Set for a child run: the run and node to wake when it ends.</summary>
        public Guid? ParentRunId { get; init; }

        public string? ParentNodeId { get; init; }
    }
}
