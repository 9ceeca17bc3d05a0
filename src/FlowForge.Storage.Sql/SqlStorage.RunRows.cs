using System.Data.Common;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A new run's rows worked out before its write (docs/adr/0005-pure-nodes.md, "Amendment: a run written in wide statements"): no
/// one reads or changes a run before the transaction that creates it commits, so what the statements one after another
/// would leave in each row (the trigger claimed and finished, edges resolved, skips propagated, the nodes of a pure start
/// claimed and finished, the first child claimed, the run's count lowered) follows from the plan and the completions
/// alone. Every node instance is then inserted as it ends, in one multi-row statement, and every attempt in another.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>
    /// Rows one statement of a run's creation inserts at most, node instances or attempts (16 and 7 parameters a row: far
    /// under the parameter limits of SQLite, PostgreSQL and MySQL); a larger run takes one more statement per this many.
    /// </summary>
    internal const int StartRowsPerStatement = 256;

    private const int NodeRowParameterCount = 16;

    private const int AttemptRowParameterCount = 7;

    private static readonly Lock StartStatementsLock = new();

    // Made on first use, one per row count: a run of n nodes prepares the statement of n rows once per connection.
    private static readonly SqlStatement?[] InsertNodeRows = new SqlStatement?[StartRowsPerStatement];

    private static readonly SqlStatement?[] InsertAttemptRows = new SqlStatement?[StartRowsPerStatement];

    private static SqlStatement StartStatement(SqlStatement?[] made, int rows, string name, Func<int, string> text)
    {
        if (Volatile.Read(ref made[rows - 1]) is { } statement)
        {
            return statement;
        }

        lock (StartStatementsLock)
        {
            return made[rows - 1] ??= new SqlStatement($"{name}{rows}", text(rows));
        }
    }

    // @runId is the command's parameter 0; row i's are 1 + i * NodeRowParameterCount onwards, in the order written here.
    private static string InsertNodeRowsText(int rows) => $"""
        INSERT INTO NodeInstances
            (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents,
             ReadyAt, StartedAt, FinishedAt, LeaseUntil, WaitUntil, Output, Error, WorkerId, Ports)
        VALUES
            {string.Join(",\n    ", Enumerable.Range(0, rows).Select(static i =>
                $"(@runId, @nodeId{i}, @ordinal{i}, @type{i}, @isTrigger{i}, @status{i}, @version{i}, @attempt{i}, @pendingParents{i}, @activeParents{i}, @readyAt{i}, @startedAt{i}, @finishedAt{i}, @leaseUntil{i}, NULL, @output{i}, NULL, @workerId{i}, @ports{i})"))}
        """;

    private static string InsertAttemptRowsText(int rows) => $"""
        INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
        VALUES
            {string.Join(",\n    ", Enumerable.Range(0, rows).Select(static i =>
                $"(@runId, @nodeId{i}, @attempt{i}, 'Succeeded', @startedAt{i}, @finishedAt{i}, NULL, @error{i}, @inputJson{i}, @logs{i})"))}
        """;

    private static async ValueTask InsertNodeRowsAsync(SqlSession s, Guid runId, ExecutionPlan plan, StartRows start, CancellationToken ct)
    {
        var rows = start.Rows;
        for (var offset = 0; offset < rows.Length; offset += StartRowsPerStatement)
        {
            var count = Math.Min(StartRowsPerStatement, rows.Length - offset);
            var insert = s.Command(StartStatement(InsertNodeRows, count, nameof(InsertNodeRows), InsertNodeRowsText));
            var parameters = insert.Parameters;
            parameters[0].Value = runId;
            for (var r = 0; r < count; r++)
            {
                var ordinal = offset + r;
                var node = plan.Nodes[ordinal];
                ref readonly var row = ref rows[ordinal];
                SetNodeRow(parameters, 1 + (r * NodeRowParameterCount), node, ordinal, in row);
            }

            await s.ExecuteAsync(insert, ct);
        }
    }

    private static async ValueTask InsertAttemptRowsAsync(SqlSession s, Guid runId, List<NodeCompletion> attempts, CancellationToken ct)
    {
        for (var offset = 0; offset < attempts.Count; offset += StartRowsPerStatement)
        {
            var count = Math.Min(StartRowsPerStatement, attempts.Count - offset);
            var insert = s.Command(StartStatement(InsertAttemptRows, count, nameof(InsertAttemptRows), InsertAttemptRowsText));
            var parameters = insert.Parameters;
            parameters[0].Value = runId;
            for (var r = 0; r < count; r++)
            {
                SetAttemptRow(parameters, 1 + (r * AttemptRowParameterCount), attempts[offset + r]);
            }

            await s.ExecuteAsync(insert, ct);
        }
    }

    // By position: a statement of many rows has thousands of parameters, and a lookup by name reads them one by one.
    private static void Set(DbParameterCollection parameters, int index, object? value) => parameters[index].Value = value ?? DBNull.Value;

    /// <summary>A node row's 16 values from parameter <paramref name="p"/> on, in the order of the node rows' texts.</summary>
    private static void SetNodeRow(DbParameterCollection parameters, int p, PlanNode node, int ordinal, in StartRow row)
    {
        Set(parameters, p, node.Id);
        Set(parameters, p + 1, ordinal);
        Set(parameters, p + 2, node.Type);
        Set(parameters, p + 3, node.IsTrigger ? 1 : 0);
        Set(parameters, p + 4, row.Status);
        Set(parameters, p + 5, row.Version);
        Set(parameters, p + 6, row.Attempt);
        Set(parameters, p + 7, row.PendingParents);
        Set(parameters, p + 8, row.ActiveParents);
        Set(parameters, p + 9, row.ReadyAt);
        Set(parameters, p + 10, row.StartedAt);
        Set(parameters, p + 11, row.FinishedAt);
        Set(parameters, p + 12, row.LeaseUntil);
        Set(parameters, p + 13, row.Output);
        Set(parameters, p + 14, row.WorkerId);
        Set(parameters, p + 15, row.Ports);
    }

    /// <summary>A recorded attempt's 7 values from parameter <paramref name="p"/> on, in the order of the attempt rows' texts.</summary>
    private static void SetAttemptRow(DbParameterCollection parameters, int p, NodeCompletion completion)
    {
        Set(parameters, p, completion.NodeId);
        Set(parameters, p + 1, completion.Attempt);
        Set(parameters, p + 2, UnixMicros.From(completion.AttemptStartedAt));
        Set(parameters, p + 3, UnixMicros.From(completion.At));
        Set(parameters, p + 4, completion.Error);
        Set(parameters, p + 5, completion.InputJson);
        Set(parameters, p + 6, completion.Logs);
    }

    // The same rows on SQLite, bound by position on the connection's handle: no parameter objects, boxes or encoded copies.
    // Position 1 is @runId; row r's values start at 2 + r * NodeRowParameterCount, in the order of the text.
    private static void InsertNodeRowsByPosition(SqlSession s, Guid runId, ExecutionPlan plan, StartRow[] rows)
    {
        for (var offset = 0; offset < rows.Length; offset += StartRowsPerStatement)
        {
            var count = Math.Min(StartRowsPerStatement, rows.Length - offset);
            var insert = s.RowStatement(StartStatement(InsertNodeRows, count, nameof(InsertNodeRows), InsertNodeRowsText));
            insert.Bind(1, runId);
            for (var r = 0; r < count; r++)
            {
                var ordinal = offset + r;
                var node = plan.Nodes[ordinal];
                ref readonly var row = ref rows[ordinal];
                var p = 2 + (r * NodeRowParameterCount);
                insert.Bind(p, node.Id);
                insert.Bind(p + 1, ordinal);
                insert.Bind(p + 2, node.Type);
                insert.Bind(p + 3, node.IsTrigger ? 1 : 0);
                insert.Bind(p + 4, row.Status);
                insert.Bind(p + 5, row.Version);
                insert.Bind(p + 6, row.Attempt);
                insert.Bind(p + 7, row.PendingParents);
                insert.Bind(p + 8, row.ActiveParents);
                insert.Bind(p + 9, row.ReadyAt);
                insert.Bind(p + 10, row.StartedAt);
                insert.Bind(p + 11, row.FinishedAt);
                insert.Bind(p + 12, row.LeaseUntil);
                insert.Bind(p + 13, row.Output);
                insert.Bind(p + 14, row.WorkerId);
                insert.Bind(p + 15, row.Ports);
            }

            s.Execute(insert);
        }
    }

    private static void InsertAttemptRowsByPosition(SqlSession s, Guid runId, List<NodeCompletion> attempts)
    {
        for (var offset = 0; offset < attempts.Count; offset += StartRowsPerStatement)
        {
            var count = Math.Min(StartRowsPerStatement, attempts.Count - offset);
            var insert = s.RowStatement(StartStatement(InsertAttemptRows, count, nameof(InsertAttemptRows), InsertAttemptRowsText));
            insert.Bind(1, runId);
            for (var r = 0; r < count; r++)
            {
                var completion = attempts[offset + r];
                var p = 2 + (r * AttemptRowParameterCount);
                insert.Bind(p, completion.NodeId);
                insert.Bind(p + 1, completion.Attempt);
                insert.Bind(p + 2, UnixMicros.From(completion.AttemptStartedAt));
                insert.Bind(p + 3, UnixMicros.From(completion.At));
                insert.Bind(p + 4, completion.Error);
                insert.Bind(p + 5, completion.InputJson);
                insert.Bind(p + 6, completion.Logs);
            }

            s.Execute(insert);
        }
    }

    // The run and its input on SQLite, by position in the order of RunValues (InsertRun) and of InsertRunInput's text.
    private static bool InsertRunByPosition(SqlSession s, NewRun run, StartRows start, long createdAt)
    {
        var insert = s.RowStatement(InsertRun);
        insert.Bind(1, run.Id);
        insert.Bind(2, run.OwnerId);
        insert.Bind(3, run.FlowId);
        insert.Bind(4, run.FlowVersion);
        insert.Bind(5, StatusNames.Of(start.RunStatus));
        insert.Bind(6, run.IdempotencyKey);
        insert.Bind(7, start.Remaining);
        insert.Bind(8, createdAt);
        insert.Bind(9, start.StartedAt);
        insert.Bind(10, start.FinishedAt);
        insert.Bind(11, run.Parent?.ParentRunId);
        insert.Bind(12, run.Parent?.ParentNodeId);
        insert.Bind(13, run.Parent?.ItemIndex);
        insert.Bind(14, run.Parent?.ParentAttempt);
        insert.Bind(15, run.Parent?.Depth ?? 0);
        if (s.Execute(insert) == 0)
        {
            return false;
        }

        var input = s.RowStatement(InsertRunInput);
        input.Bind(1, run.Id);
        input.Bind(2, run.InputJson);
        s.Execute(input);
        return true;
    }

    // PostgreSQL writes the whole run in one statement, one text whatever the number of nodes: the run (nothing else
    // when its idempotency key was used before, as every part reads the run's id from the run's insert), its input, the
    // node instances and attempts from arrays, and the outbox rows, whose ids it returns.
    private static readonly SqlStatement InsertRunWithRows = new(nameof(InsertRunWithRows), static d => d is not PostgresDialect ? d.InsertOrIgnore("Runs", RunColumns, RunValues) : $"""
        WITH run AS (
            INSERT INTO Runs ({RunColumns})
            VALUES ({RunValues})
            ON CONFLICT DO NOTHING
            RETURNING Id),
        input AS (
            INSERT INTO RunInputs (RunId, InputJson) SELECT Id, @inputJson FROM run),
        nodes AS (
            INSERT INTO NodeInstances
                (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents,
                 ReadyAt, StartedAt, FinishedAt, LeaseUntil, WaitUntil, Output, Error, WorkerId, Ports)
            SELECT run.Id, n.NodeId, n.Ordinal, n.Type, n.IsTrigger, n.Status, n.Version, n.Attempt, n.PendingParents, n.ActiveParents,
                n.ReadyAt, n.StartedAt, n.FinishedAt, n.LeaseUntil, NULL, n.Output, NULL, n.WorkerId, n.Ports
            FROM run, unnest(@nodeIds::text[], @ordinals::integer[], @types::text[], @isTriggers::smallint[], @statuses::text[],
                    @versions::bigint[], @attempts::integer[], @pendingParentCounts::integer[], @activeParentCounts::integer[], @readyAts::bigint[],
                    @startedAts::bigint[], @finishedAts::bigint[], @leaseUntils::bigint[], @outputs::text[], @workerIds::uuid[], @portLists::text[])
                AS n(NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents, ReadyAt,
                    StartedAt, FinishedAt, LeaseUntil, Output, WorkerId, Ports)),
        attempts AS (
            INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
            SELECT run.Id, a.NodeId, a.Attempt, 'Succeeded', a.StartedAt, a.FinishedAt, NULL, a.Error, a.InputJson, a.Logs
            FROM run, unnest(@attemptNodeIds::text[], @attemptNumbers::integer[], @attemptStartedAts::bigint[], @attemptFinishedAts::bigint[],
                    @attemptErrors::text[], @attemptInputs::text[], @attemptLogs::text[])
                AS a(NodeId, Attempt, StartedAt, FinishedAt, Error, InputJson, Logs)),
        outbox AS (
            INSERT INTO Outbox (Kind, RunId, NodeId, Version, FlowId, FlowVersion)
            SELECT m.Kind, run.Id, m.NodeId, m.Version, run.FlowId, run.FlowVersion
            FROM (SELECT Id, @flowId::uuid AS FlowId, @flowVersion::integer AS FlowVersion FROM run) AS run,
                unnest(@messageKinds::text[], @messageNodeIds::text[], @messageVersions::bigint[]) AS m(Kind, NodeId, Version)
            RETURNING Id, NodeId)
        SELECT o.Id, o.NodeId FROM run LEFT JOIN outbox o ON TRUE
        """);

    /// <summary>
    /// The run written from its rows worked out in memory: the run, its input, its node instances, its attempts and the
    /// messages of the nodes it made Ready (in one statement on PostgreSQL); then, when the rows hold only the run's start,
    /// the trigger's completion written one statement after another, or the parent's wake when the write ended a child run.
    /// </summary>
    private static async ValueTask<RunCreation> CreateFromRowsAsync(
        SqlSession s, NewRun run, ExecutionPlan plan, StartRows start, long createdAt, string startAt, CancellationToken ct)
    {
        var startFlow = new WorkMessage(WorkKind.StartFlow, run.Id, startAt, 1, run.FlowId, run.FlowVersion);
        IReadOnlyList<WorkMessage> outbox = start.Completed ? start.Messages : run.TriggerOutputJson is null ? [startFlow] : [];
        var messages = new List<OutboxMessage>(outbox.Count);
        if (s.Dialect is PostgresDialect)
        {
            if (!await InsertRunWithRowsAsync(s, run, plan, start, createdAt, outbox, messages, ct))
            {
                return await ExistingRunAsync(s, run, ct);
            }
        }
        else if (s.BindsByPosition)
        {
            if (!InsertRunByPosition(s, run, start, createdAt))
            {
                return await ExistingRunAsync(s, run, ct);
            }

            InsertNodeRowsByPosition(s, run.Id, plan, start.Rows);
            InsertAttemptRowsByPosition(s, run.Id, start.Attempts);
            foreach (var message in outbox)
            {
                messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
            }
        }
        else if (OneTripStatement(s, start.Rows.Length, start.Attempts.Count, s.WritesOutbox ? outbox.Count : 0) is { } oneTrip)
        {
            var stored = s.WritesOutbox ? outbox : [];
            var ids = new List<long>(stored.Count);
            if (!await InsertRunInOneTripAsync(s, oneTrip, run, plan, start, createdAt, stored, ids, ct))
            {
                return await ExistingRunAsync(s, run, ct);
            }

            for (var i = 0; i < outbox.Count; i++)
            {
                messages.Add(new OutboxMessage(i < ids.Count ? ids[i] : OutboxMessage.NotStored, outbox[i]));
            }
        }
        else
        {
            if (await s.ExecuteAsync(BindRun(s.Command(InsertRun), run, start, createdAt), ct) == 0)
            {
                return await ExistingRunAsync(s, run, ct);
            }

            await s.ExecuteAsync(s.Command(InsertRunInput).Bind("@runId", run.Id).Bind("@inputJson", run.InputJson), ct);
            await InsertNodeRowsAsync(s, run.Id, plan, start, ct);
            await InsertAttemptRowsAsync(s, run.Id, start.Attempts, ct);
            foreach (var message in outbox)
            {
                messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
            }
        }

        return await CreatedAsync(s, run, plan, start, createdAt, startFlow, messages, ct);
    }

    /// <summary>
    /// What follows a new run's rows in its transaction: the trigger's completion written one statement after another where
    /// the rows hold only the run's start, the parent's wake where the write ended a child run, the claimed child's inputs.
    /// </summary>
    private static async ValueTask<RunCreation> CreatedAsync(
        SqlSession s, NewRun run, ExecutionPlan plan, StartRows start, long createdAt, WorkMessage startFlow, List<OutboxMessage> messages, CancellationToken ct)
    {
        if (!start.Completed)
        {
            return run.TriggerOutputJson is { } output
                // The region could not be worked out here: the trigger's claim and the completions are written one by one.
                ? await CreateWithTriggerCompletedAsync(s, run, plan, startFlow, output, createdAt, start.Changes, ct)
                : new RunCreation(run.Id, true, RunStatus.Pending, messages) { Changes = start.Changes };
        }

        if (start.RunFinished is not null)
        {
            var row = new RunRow(run.Id, RunStatus.Running, run.OwnerId, run.FlowId, run.FlowVersion)
            {
                ParentRunId = run.Parent?.ParentRunId,
                ParentNodeId = run.Parent?.ParentNodeId,
            };
            await WakeParentAsync(s, row, start.FinishedAt ?? createdAt, messages, ct);
        }

        ClaimedNode? claimed = null;
        if (start.Claimed is { } child && start.ClaimedBy is { } by)
        {
            claimed = await WithChainedInputsAsync(s, plan, by.Completion, by.Ports, by.At, child, start.Outputs(), ct);
        }

        return new RunCreation(run.Id, true, RunStatus.Pending, messages)
        {
            Changes = start.Changes,
            TriggerCompleted = true,
            TriggerChanges = start.TriggerChanges,
            RunFinished = start.RunFinished,
            ClaimedChild = claimed,
        };
    }

    private static DbCommand BindRun(DbCommand command, NewRun run, StartRows start, long createdAt) => command
        .Bind("@id", run.Id)
        .Bind("@ownerId", run.OwnerId)
        .Bind("@flowId", run.FlowId)
        .Bind("@flowVersion", run.FlowVersion)
        .Bind("@status", StatusNames.Of(start.RunStatus))
        .Bind("@idempotencyKey", run.IdempotencyKey)
        .Bind("@remainingNodes", start.Remaining)
        .Bind("@createdAt", createdAt)
        .Bind("@startedAt", start.StartedAt)
        .Bind("@finishedAt", start.FinishedAt)
        .Bind("@parentRunId", run.Parent?.ParentRunId)
        .Bind("@parentNodeId", run.Parent?.ParentNodeId)
        .Bind("@itemIndex", run.Parent?.ItemIndex)
        .Bind("@parentAttempt", run.Parent?.ParentAttempt)
        .Bind("@depth", run.Parent?.Depth ?? 0);

    /// <summary>False, with nothing written, when the run's idempotency key (or its id) was used before.</summary>
    private static async ValueTask<bool> InsertRunWithRowsAsync(
        SqlSession s, NewRun run, ExecutionPlan plan, StartRows start, long createdAt, IReadOnlyList<WorkMessage> outbox, List<OutboxMessage> messages, CancellationToken ct)
    {
        var rows = start.Rows;
        var count = rows.Length;
        var (nodeIds, ordinals, types, isTriggers) = (new string[count], new int[count], new string[count], new short[count]);
        var (statuses, versions, attempts, pending, active) = (new string[count], new long[count], new int[count], new int[count], new int[count]);
        var (readyAts, startedAts, finishedAts, leaseUntils) = (new long?[count], new long?[count], new long?[count], new long?[count]);
        var (outputs, workerIds, ports) = (new string?[count], new Guid?[count], new string?[count]);
        for (var i = 0; i < count; i++)
        {
            var node = plan.Nodes[i];
            ref readonly var row = ref rows[i];
            (nodeIds[i], ordinals[i], types[i], isTriggers[i]) = (node.Id, i, node.Type, node.IsTrigger ? (short)1 : (short)0);
            (statuses[i], versions[i], attempts[i], pending[i], active[i]) = (row.Status, row.Version, row.Attempt, row.PendingParents, row.ActiveParents);
            (readyAts[i], startedAts[i], finishedAts[i], leaseUntils[i]) = (row.ReadyAt, row.StartedAt, row.FinishedAt, row.LeaseUntil);
            (outputs[i], workerIds[i], ports[i]) = (row.Output, row.WorkerId, row.Ports);
        }

        var recorded = start.Attempts;
        var stored = s.WritesOutbox ? outbox : [];
        var insert = BindRun(s.Command(InsertRunWithRows), run, start, createdAt)
            .Bind("@inputJson", run.InputJson)
            .Bind("@nodeIds", nodeIds).Bind("@ordinals", ordinals).Bind("@types", types).Bind("@isTriggers", isTriggers)
            .Bind("@statuses", statuses).Bind("@versions", versions).Bind("@attempts", attempts)
            .Bind("@pendingParentCounts", pending).Bind("@activeParentCounts", active)
            .Bind("@readyAts", readyAts).Bind("@startedAts", startedAts).Bind("@finishedAts", finishedAts).Bind("@leaseUntils", leaseUntils)
            .Bind("@outputs", outputs).Bind("@workerIds", workerIds).Bind("@portLists", ports)
            .Bind("@attemptNodeIds", recorded.Select(static c => c.NodeId).ToArray())
            .Bind("@attemptNumbers", recorded.Select(static c => c.Attempt).ToArray())
            .Bind("@attemptStartedAts", recorded.Select(static c => UnixMicros.From(c.AttemptStartedAt)).ToArray())
            .Bind("@attemptFinishedAts", recorded.Select(static c => (long?)UnixMicros.From(c.At)).ToArray())
            .Bind("@attemptErrors", recorded.Select(static c => c.Error).ToArray())
            .Bind("@attemptInputs", recorded.Select(static c => c.InputJson).ToArray())
            .Bind("@attemptLogs", recorded.Select(static c => c.Logs).ToArray())
            .Bind("@messageKinds", stored.Select(static m => StatusNames.Of(m.Kind)).ToArray())
            .Bind("@messageNodeIds", stored.Select(static m => m.NodeId).ToArray())
            .Bind("@messageVersions", stored.Select(static m => m.Version).ToArray());
        var ids = new Dictionary<string, long>(stored.Count, StringComparer.Ordinal);
        var created = false;
        await using (var reader = await s.ReaderAsync(insert, ct))
        {
            while (await reader.ReadAsync(ct))
            {
                created = true;
                if (!reader.IsDBNull(0))
                {
                    ids[reader.GetString(1)] = reader.GetInt64(0);
                }
            }
        }

        foreach (var message in outbox)
        {
            messages.Add(new OutboxMessage(ids.TryGetValue(message.NodeId, out var id) ? id : OutboxMessage.NotStored, message));
        }

        return created;
    }

    /// <summary>
    /// A node instance's columns as the new run's write leaves them. The nullable columns are plain values with a bit each
    /// saying whether they are set (96 bytes a row rather than 128 with <see cref="Nullable{T}"/> fields).
    /// </summary>
    private struct StartRow
    {
        private const byte HasReadyAt = 1, HasStartedAt = 2, HasFinishedAt = 4, HasLeaseUntil = 8, HasWorkerId = 16;

        public string Status;
        public long Version;
        public int Attempt;
        public int PendingParents;
        public int ActiveParents;
        public string? Output;
        public string? Ports;
        private long _readyAt;
        private long _startedAt;
        private long _finishedAt;
        private long _leaseUntil;
        private Guid _workerId;
        private byte _set;

        public long? ReadyAt
        {
            readonly get => (_set & HasReadyAt) != 0 ? _readyAt : null;
            set => _readyAt = Set(HasReadyAt, value);
        }

        public long? StartedAt
        {
            readonly get => (_set & HasStartedAt) != 0 ? _startedAt : null;
            set => _startedAt = Set(HasStartedAt, value);
        }

        public long? FinishedAt
        {
            readonly get => (_set & HasFinishedAt) != 0 ? _finishedAt : null;
            set => _finishedAt = Set(HasFinishedAt, value);
        }

        public long? LeaseUntil
        {
            readonly get => (_set & HasLeaseUntil) != 0 ? _leaseUntil : null;
            set => _leaseUntil = Set(HasLeaseUntil, value);
        }

        public Guid? WorkerId
        {
            readonly get => (_set & HasWorkerId) != 0 ? _workerId : null;
            set
            {
                _set = value is null ? (byte)(_set & ~HasWorkerId) : (byte)(_set | HasWorkerId);
                _workerId = value.GetValueOrDefault();
            }
        }

        private long Set(byte flag, long? value)
        {
            _set = value is null ? (byte)(_set & ~flag) : (byte)(_set | flag);
            return value.GetValueOrDefault();
        }
    }

    /// <summary>
    /// The rows of a new run, as the statements of the one-by-one write would leave them: first as inserted (the starting
    /// trigger Ready, the other triggers Skipped with what only they reach), then, when the trigger's output is known, with
    /// the trigger's completion and those of <see cref="NewRun.StartRegion"/> recorded as a region's write records them
    /// (<see cref="TryCompleteRegionAsSetAsync"/>): where that write would not apply, <see cref="Completed"/> stays false
    /// and the completions are left to the statements.
    /// </summary>
    private sealed class StartRows
    {
        private readonly ExecutionPlan _plan;
        private readonly NewRun _run;
        private readonly StartRow[] _rows;
        private NodeCompletion[] _completions = [];

        public StartRows(NewRun run, ExecutionPlan plan, string startAt, long createdAt)
        {
            _run = run;
            _plan = plan;
            _rows = new StartRow[plan.Nodes.Count];
            for (var i = 0; i < plan.Nodes.Count; i++)
            {
                var node = plan.Nodes[i];
                ref var row = ref _rows[i];
                row.PendingParents = node.JoinCount;
                if (!node.IsTrigger)
                {
                    row.Status = "Pending";
                }
                else if (string.Equals(node.Id, startAt, StringComparison.Ordinal))
                {
                    (row.Status, row.Version, row.ReadyAt) = ("Ready", 1, createdAt);
                }
                else
                {
                    // A trigger the run does not start at ends at once, so what only it reaches is skipped too.
                    (row.Status, row.Version, row.FinishedAt) = ("Skipped", 1, createdAt);
                }
            }

            var finished = 0;
            var changes = new List<NodeStateChange>();
            if (plan.Triggers.Count > 1)
            {
                foreach (var trigger in plan.Triggers)
                {
                    if (!string.Equals(trigger.Id, startAt, StringComparison.Ordinal))
                    {
                        changes.Add(new NodeStateChange(trigger.Id, NodeStatus.Skipped));
                        finished += 1 + Resolve(_rows, trigger.Id, [], createdAt, null, null, changes);
                    }
                }
            }

            Changes = changes;
            Remaining = plan.Nodes.Count - finished;
        }

        public StartRow[] Rows => _rows;

        /// <summary>The triggers the run does not start at and what only they reach, Skipped.</summary>
        public IReadOnlyList<NodeStateChange> Changes { get; }

        public int Remaining { get; private set; }

        public RunStatus RunStatus { get; private set; } = RunStatus.Pending;

        public long? StartedAt { get; private set; }

        public long? FinishedAt { get; private set; }

        /// <summary>True when the trigger's completion and the start region's are in the rows.</summary>
        public bool Completed { get; private set; }

        public List<NodeCompletion> Attempts { get; } = [];

        public List<WorkMessage> Messages { get; } = [];

        public List<NodeStateChange> TriggerChanges { get; } = [];

        public RunStatus? RunFinished { get; private set; }

        public ClaimedNode? Claimed { get; private set; }

        public (NodeCompletion Completion, string? Ports, long At)? ClaimedBy { get; private set; }

        /// <summary>
        /// Records the trigger's completion with the output it passes on and the start region's after it, as
        /// <see cref="TryCompleteRegionAsSetAsync"/> records a region; false (the rows untouched) where that write would
        /// not apply: an output in the blob store, a node of the region that would not be Ready as its first attempt
        /// when its completion comes (the one-by-one write decides then where it stops).
        /// </summary>
        public bool TryComplete(string startAt, string output, long createdAt)
        {
            var region = _run.StartRegion;
            var count = region.Count + 1;
            var completions = new NodeCompletion[count];
            completions[0] = new NodeCompletion(_run.Id, startAt, 2, NodeStatus.Succeeded, output, null, [NodePorts.Main], _run.CreatedAt)
            {
                Attempt = 1,
                AttemptStartedAt = _run.CreatedAt,
                InputJson = _run.TriggerAttemptInput,
            };
            var index = new Dictionary<string, int>(count, StringComparer.Ordinal) { [startAt] = 0 };
            for (var i = 1; i < count; i++)
            {
                var completion = region[i - 1];
                if (completion is not { Status: NodeStatus.Succeeded, OutputBlob: null } || !index.TryAdd(completion.NodeId, i))
                {
                    return false;
                }

                completions[i] = completion;
            }

            // The edges into each later node from the completions before it, as the store would resolve them one by one.
            var edges = new int[count];
            var active = new int[count];
            var readyAt = new long[count];
            for (var j = 0; j < count; j++)
            {
                var children = _plan[completions[j].NodeId].Children;
                for (var e = 0; e < children.Count; e++)
                {
                    if (!index.TryGetValue(children[e].Target, out var k))
                    {
                        continue;
                    }

                    if (k <= j)
                    {
                        return false;
                    }

                    edges[k]++;
                    active[k] += Contains(completions[j].FiredPorts, children[e].Port) ? 1 : 0;
                    readyAt[k] = UnixMicros.From(completions[j].At);
                }
            }

            for (var k = 1; k < count; k++)
            {
                ref readonly var row = ref _rows[_plan.IndexOf(completions[k].NodeId)];
                if (row is not { Status: "Pending", Attempt: 0 } || row.PendingParents != edges[k] || row.ActiveParents + active[k] == 0)
                {
                    return false;
                }
            }

            // Nothing below gives up: the rows are changed where they are (each write makes its own), not in a copy.
            var rows = _rows;

            // Each finished: the trigger claimed by the write (Ready, then Running for no worker with a lease that ends at
            // once), the nodes after it made Ready, claimed as their first attempt by the region's worker.
            var regionClaim = region.Count > 0 ? region[0].ClaimChild : null;
            for (var i = 0; i < count; i++)
            {
                var completion = completions[i];
                ref var row = ref rows[_plan.IndexOf(completion.NodeId)];
                row.Status = "Succeeded";
                row.Output = completion.OutputJson;
                row.Ports = PortList.Encode(completion.FiredPorts);
                row.FinishedAt = UnixMicros.From(completion.At);
                row.Version += i == 0 ? 2 : 3;
                row.Attempt = 1;
                row.LeaseUntil = null;
                if (i == 0)
                {
                    row.StartedAt ??= createdAt;
                    row.WorkerId = Guid.Empty;
                }
                else
                {
                    row.PendingParents = 0;
                    row.ActiveParents += active[i];
                    row.ReadyAt = readyAt[i];
                    row.StartedAt ??= UnixMicros.From(completion.AttemptStartedAt ?? completion.At);
                    row.WorkerId = regionClaim!.WorkerId;
                }
            }

            // The edges to nodes outside the region, completion by completion, as the store resolves single completions.
            var request = _run.ClaimChild;
            var slot = new StartClaim { Request = request is { NodeId: not null } ? request : null };
            var skipped = 0;
            for (var i = 0; i < count; i++)
            {
                var completion = completions[i];
                if (i == count - 1 && request is { NodeId: null })
                {
                    slot.Request = request;
                }

                TriggerChanges.Add(new NodeStateChange(completion.NodeId, NodeStatus.Succeeded));
                var claimedBefore = slot.Claimed;
                var at = UnixMicros.From(completion.At);
                skipped += Resolve(rows, completion.NodeId, completion.FiredPorts, at, slot, index, TriggerChanges);
                if (slot.Claimed is not null && claimedBefore is null)
                {
                    ClaimedBy = (completion, PortList.Encode(completion.FiredPorts), at);
                }
            }

            _completions = completions;
            Attempts.AddRange(completions.Where(static c => c.Attempt > 0));
            Claimed = slot.Claimed;
            StartedAt = createdAt;
            RunStatus = RunStatus.Running;
            Remaining -= count + skipped;
            if (Remaining <= 0)
            {
                RunStatus = RunStatus.Succeeded;
                RunFinished = RunStatus.Succeeded;
                FinishedAt = UnixMicros.From(completions[^1].At);
            }

            Completed = true;
            return true;
        }

        /// <summary>What a read of the finished nodes' outputs would return in this transaction: those of the completions.</summary>
        public IReadOnlyDictionary<string, DependencyRow> Outputs()
        {
            var rows = new Dictionary<string, DependencyRow>(_completions.Length, StringComparer.Ordinal);
            foreach (var completion in _completions)
            {
                rows[completion.NodeId] = new DependencyRow(
                    StoredJson.Parse(completion.OutputJson), null, UnixMicros.From(completion.At), PortList.Encode(completion.FiredPorts));
            }

            return rows;
        }

        /// <summary>
        /// <see cref="ResolveChildrenAsync(SqlSession, RunRow, ExecutionPlan, string, IReadOnlyList{string}, long, List{OutboxMessage}, List{NodeStateChange}, ChildClaimSlot?, IReadOnlyDictionary{string, int}?, CancellationToken)"/>
        /// on the rows in memory: returns how many nodes were skipped.
        /// </summary>
        private int Resolve(
            StartRow[] rows, string nodeId, IReadOnlyList<string> firedPorts, long at, StartClaim? slot, IReadOnlyDictionary<string, int>? resolvedElsewhere, List<NodeStateChange> changes)
        {
            var skipped = 0;
            List<string>? skippedToResolve = null;
            var current = nodeId;
            var fired = firedPorts;
            while (true)
            {
                var children = _plan[current].Children;
                for (var i = 0; i < children.Count; i++)
                {
                    var target = children[i].Target;
                    if (!IsFirstEdgeTo(children, i) || resolvedElsewhere?.ContainsKey(target) == true)
                    {
                        continue;
                    }

                    var (edges, activeEdges) = CountEdgesTo(children, i, fired);
                    if (ResolveEdges(rows, target, edges, activeEdges, at, slot, changes))
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

        /// <summary>As <see cref="ResolveEdgesAsync"/>: true when the child was skipped.</summary>
        private bool ResolveEdges(StartRow[] rows, string child, int edges, int activeEdges, long at, StartClaim? slot, List<NodeStateChange> changes)
        {
            ref var row = ref rows[_plan.IndexOf(child)];
            if (row.Status != "Pending")
            {
                return false;
            }

            var last = row.PendingParents <= edges;
            row.PendingParents -= edges;
            row.ActiveParents += activeEdges;
            if (!last)
            {
                return false;
            }

            row.Version++;
            if (row.ActiveParents == 0)
            {
                (row.Status, row.FinishedAt) = ("Skipped", at);
                changes.Add(new NodeStateChange(child, NodeStatus.Skipped));
                return true;
            }

            (row.Status, row.ReadyAt) = ("Ready", at);
            if (slot is { Claimed: null, Request: { } request } && (request.NodeId is null || string.Equals(request.NodeId, child, StringComparison.Ordinal)))
            {
                // Running for the worker that asked, as ClaimChainedAsync leaves it: no message and no Ready change.
                row.Status = "Running";
                row.Version++;
                row.Attempt++;
                row.LeaseUntil = UnixMicros.From(request.LeaseUntil);
                row.StartedAt ??= at;
                row.WorkerId = request.WorkerId;
                slot.Claimed = new ClaimedNode(_run.Id, child, row.Version, row.Attempt, null, EmptyOutputs, null, RunStarted: false)
                {
                    Interruptions = 0,
                    OwnerId = _run.OwnerId,
                };
                return false;
            }

            Messages.Add(new WorkMessage(WorkKind.ExecuteNode, _run.Id, child, row.Version, _run.FlowId, _run.FlowVersion));
            changes.Add(new NodeStateChange(child, NodeStatus.Ready));
            return false;
        }
    }

    /// <summary>The one child the start may claim (as <see cref="ChildClaimSlot"/>), in memory.</summary>
    private sealed class StartClaim
    {
        public ChainClaim? Request { get; set; }

        public ClaimedNode? Claimed { get; set; }
    }
}
