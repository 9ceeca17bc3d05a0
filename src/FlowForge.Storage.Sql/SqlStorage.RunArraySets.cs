using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// The new runs of one group-commit batch written together on PostgreSQL: one statement over arrays of their values, one
/// round trip for all of them where each alone took one of its own (<see cref="InsertRunWithRows"/>). The text is one
/// whatever the runs' shapes, so the server plans it once per connection and the driver keeps one command with its 45
/// parameters. Each run's insert is <c>ON CONFLICT DO NOTHING</c> as alone: a run whose idempotency key (or id, or parent
/// item) is taken, by a run before the batch or by an earlier run of the same set, writes nothing and is answered with
/// the run that holds it, while the set's other runs are written. A run that needs more than its rows in its transaction,
/// a large one, and a run alone in the batch are written as before, in the same transaction.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Runs one statement of a run set writes at most on PostgreSQL; more take one statement per this many.</summary>
    internal const int RunsPerArraySet = 256;

    // The run's values in its arrays' order, then the node rows', the attempts' and the outbox rows': the command's
    // parameters in the order they first appear in the text (positions below count from these).
    private static readonly string[] RunArrayNames =
    [
        "@runIds", "@ownerIds", "@flowIds", "@flowVersions", "@runStatuses", "@idempotencyKeys", "@remainingCounts", "@createdAts",
        "@runStartedAts", "@runFinishedAts", "@parentRunIds", "@parentNodeIds", "@itemIndexes", "@parentAttempts", "@depths", "@inputs",
        "@nodeRunIds", "@nodeIds", "@ordinals", "@types", "@isTriggers", "@statuses", "@versions", "@attempts", "@pendingParentCounts",
        "@activeParentCounts", "@readyAts", "@startedAts", "@finishedAts", "@leaseUntils", "@outputs", "@workerIds", "@portLists",
        "@attemptRunIds", "@attemptNodeIds", "@attemptNumbers", "@attemptStartedAts", "@attemptFinishedAts", "@attemptErrors",
        "@attemptInputs", "@attemptLogs",
        "@messageRunIds", "@messageKinds", "@messageNodeIds", "@messageVersions",
    ];

    private static readonly SqlStatement InsertRunArrays = new(nameof(InsertRunArrays), static d => d.RunSets != RunSetForm.Arrays ? "" : $"""
        WITH given AS (
            SELECT * FROM unnest(@runIds::uuid[], @ownerIds::uuid[], @flowIds::uuid[], @flowVersions::integer[], @runStatuses::text[],
                    @idempotencyKeys::text[], @remainingCounts::integer[], @createdAts::bigint[], @runStartedAts::bigint[], @runFinishedAts::bigint[],
                    @parentRunIds::uuid[], @parentNodeIds::text[], @itemIndexes::integer[], @parentAttempts::integer[], @depths::integer[], @inputs::text[])
                WITH ORDINALITY AS g(Id, OwnerId, FlowId, FlowVersion, Status, IdempotencyKey, RemainingNodes, CreatedAt, StartedAt, FinishedAt,
                    ParentRunId, ParentNodeId, ItemIndex, ParentAttempt, SubflowDepth, InputJson, Position)),
        run AS (
            INSERT INTO Runs ({RunColumns})
            SELECT Id, OwnerId, FlowId, FlowVersion, Status, IdempotencyKey, RemainingNodes, NULL, CreatedAt, StartedAt, FinishedAt,
                ParentRunId, ParentNodeId, ItemIndex, ParentAttempt, SubflowDepth
            FROM given ORDER BY Position
            ON CONFLICT DO NOTHING
            RETURNING Id, FlowId, FlowVersion),
        input AS (
            INSERT INTO RunInputs (RunId, InputJson) SELECT given.Id, given.InputJson FROM given JOIN run ON run.Id = given.Id),
        nodes AS (
            INSERT INTO NodeInstances
                (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents,
                 ReadyAt, StartedAt, FinishedAt, LeaseUntil, WaitUntil, Output, Error, WorkerId, Ports)
            SELECT n.RunId, n.NodeId, n.Ordinal, n.Type, n.IsTrigger, n.Status, n.Version, n.Attempt, n.PendingParents, n.ActiveParents,
                n.ReadyAt, n.StartedAt, n.FinishedAt, n.LeaseUntil, NULL, n.Output, NULL, n.WorkerId, n.Ports
            FROM unnest(@nodeRunIds::uuid[], @nodeIds::text[], @ordinals::integer[], @types::text[], @isTriggers::smallint[], @statuses::text[],
                    @versions::bigint[], @attempts::integer[], @pendingParentCounts::integer[], @activeParentCounts::integer[], @readyAts::bigint[],
                    @startedAts::bigint[], @finishedAts::bigint[], @leaseUntils::bigint[], @outputs::text[], @workerIds::uuid[], @portLists::text[])
                AS n(RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents, ReadyAt,
                    StartedAt, FinishedAt, LeaseUntil, Output, WorkerId, Ports)
            JOIN run ON run.Id = n.RunId),
        attempts AS (
            INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
            SELECT a.RunId, a.NodeId, a.Attempt, 'Succeeded', a.StartedAt, a.FinishedAt, NULL, a.Error, a.InputJson, a.Logs
            FROM unnest(@attemptRunIds::uuid[], @attemptNodeIds::text[], @attemptNumbers::integer[], @attemptStartedAts::bigint[],
                    @attemptFinishedAts::bigint[], @attemptErrors::text[], @attemptInputs::text[], @attemptLogs::text[])
                AS a(RunId, NodeId, Attempt, StartedAt, FinishedAt, Error, InputJson, Logs)
            JOIN run ON run.Id = a.RunId),
        outbox AS (
            INSERT INTO Outbox (Kind, RunId, NodeId, Version, FlowId, FlowVersion)
            SELECT m.Kind, run.Id, m.NodeId, m.Version, run.FlowId, run.FlowVersion
            FROM unnest(@messageRunIds::uuid[], @messageKinds::text[], @messageNodeIds::text[], @messageVersions::bigint[])
                WITH ORDINALITY AS m(RunId, Kind, NodeId, Version, Position)
            JOIN run ON run.Id = m.RunId
            ORDER BY m.Position
            RETURNING Id, RunId, NodeId)
        SELECT run.Id, o.Id, o.NodeId FROM run LEFT JOIN outbox o ON o.RunId = run.Id
        """);

    /// <summary>The new runs of a batch on PostgreSQL: those that may go in a set in one statement per <see cref="RunsPerArraySet"/> (see the summary above).</summary>
    private static async ValueTask InsertRunArraysAsync(
        SqlSession s, IReadOnlyList<(NewRun Run, ExecutionPlan Plan)> states, RunCreation[] results, CancellationToken ct)
    {
        var starts = new (StartRows Start, long CreatedAt, string StartAt, IReadOnlyList<WorkMessage> Outbox)[states.Count];
        var members = new List<int>(states.Count);
        var alone = new List<int>();
        for (var i = 0; i < states.Count; i++)
        {
            var (run, plan) = states[i];
            var (start, createdAt, startAt) = StartOf(run, plan);
            IReadOnlyList<WorkMessage> outbox = start.Completed
                ? start.Messages
                : [new WorkMessage(WorkKind.StartFlow, run.Id, startAt, 1, run.FlowId, run.FlowVersion)];
            starts[i] = (start, createdAt, startAt, outbox);
            (MayJoinRunSet(run, start) ? members : alone).Add(i);
        }

        for (int from = 0, take; from < members.Count; from += take)
        {
            take = Math.Min(RunsPerArraySet, members.Count - from);
            var chunk = members.GetRange(from, take);
            if (take < 2)
            {
                alone.AddRange(chunk);
                continue;
            }

            await InsertRunArraySetAsync(s, states, starts, chunk, results, ct);
        }

        alone.Sort();
        foreach (var i in alone)
        {
            var (run, plan) = states[i];
            var (start, createdAt, startAt, _) = starts[i];
            results[i] = await CreateFromRowsAsync(s, run, plan, start, createdAt, startAt, ct);
        }
    }

    private static async ValueTask InsertRunArraySetAsync(
        SqlSession s, IReadOnlyList<(NewRun Run, ExecutionPlan Plan)> states,
        (StartRows Start, long CreatedAt, string StartAt, IReadOnlyList<WorkMessage> Outbox)[] starts, List<int> chunk,
        RunCreation[] results, CancellationToken ct)
    {
        var runs = chunk.Count;
        var (nodeCount, attemptCount, messageCount) = (0, 0, 0);
        foreach (var i in chunk)
        {
            var start = starts[i].Start;
            nodeCount += start.Rows.Length;
            attemptCount += start.Attempts.Count;
            messageCount += s.WritesOutbox ? starts[i].Outbox.Count : 0;
        }

        var (ids, ownerIds, flowIds, flowVersions) = (new Guid[runs], new Guid[runs], new Guid[runs], new int[runs]);
        var (runStatuses, keys, remaining, createdAts) = (new string[runs], new string?[runs], new int[runs], new long[runs]);
        var (runStartedAts, runFinishedAts, parentRunIds, parentNodeIds) = (new long?[runs], new long?[runs], new Guid?[runs], new string?[runs]);
        var (itemIndexes, parentAttempts, depths, inputs) = (new int?[runs], new int?[runs], new int[runs], new string[runs]);

        var (nodeRunIds, nodeIds, ordinals, types, isTriggers) = (new Guid[nodeCount], new string[nodeCount], new int[nodeCount], new string[nodeCount], new short[nodeCount]);
        var (statuses, versions, attempts, pending, active) = (new string[nodeCount], new long[nodeCount], new int[nodeCount], new int[nodeCount], new int[nodeCount]);
        var (readyAts, startedAts, finishedAts, leaseUntils) = (new long?[nodeCount], new long?[nodeCount], new long?[nodeCount], new long?[nodeCount]);
        var (outputs, workerIds, ports) = (new string?[nodeCount], new Guid?[nodeCount], new string?[nodeCount]);

        var (attemptRunIds, attemptNodeIds, attemptNumbers) = (new Guid[attemptCount], new string[attemptCount], new int[attemptCount]);
        var (attemptStartedAts, attemptFinishedAts) = (new long?[attemptCount], new long?[attemptCount]);
        var (attemptErrors, attemptInputs, attemptLogs) = (new string?[attemptCount], new string?[attemptCount], new string?[attemptCount]);

        var (messageRunIds, messageKinds, messageNodeIds, messageVersions) = (new Guid[messageCount], new string[messageCount], new string[messageCount], new long[messageCount]);

        var (n, a, m) = (0, 0, 0);
        for (var r = 0; r < runs; r++)
        {
            var (run, plan) = states[chunk[r]];
            var (start, createdAt, _, outbox) = starts[chunk[r]];
            (ids[r], ownerIds[r], flowIds[r], flowVersions[r]) = (run.Id, run.OwnerId, run.FlowId, run.FlowVersion);
            (runStatuses[r], keys[r], remaining[r], createdAts[r]) = (StatusNames.Of(start.RunStatus), run.IdempotencyKey, start.Remaining, createdAt);
            (runStartedAts[r], runFinishedAts[r], parentRunIds[r], parentNodeIds[r]) = (start.StartedAt, start.FinishedAt, run.Parent?.ParentRunId, run.Parent?.ParentNodeId);
            (itemIndexes[r], parentAttempts[r], depths[r], inputs[r]) = (run.Parent?.ItemIndex, run.Parent?.ParentAttempt, run.Parent?.Depth ?? 0, run.InputJson);

            var rows = start.Rows;
            for (var i = 0; i < rows.Length; i++, n++)
            {
                var node = plan.Nodes[i];
                ref readonly var row = ref rows[i];
                (nodeRunIds[n], nodeIds[n], ordinals[n], types[n], isTriggers[n]) = (run.Id, node.Id, i, node.Type, node.IsTrigger ? (short)1 : (short)0);
                (statuses[n], versions[n], attempts[n], pending[n], active[n]) = (row.Status, row.Version, row.Attempt, row.PendingParents, row.ActiveParents);
                (readyAts[n], startedAts[n], finishedAts[n], leaseUntils[n]) = (row.ReadyAt, row.StartedAt, row.FinishedAt, row.LeaseUntil);
                (outputs[n], workerIds[n], ports[n]) = (row.Output, row.WorkerId, row.Ports);
            }

            foreach (var c in start.Attempts)
            {
                (attemptRunIds[a], attemptNodeIds[a], attemptNumbers[a]) = (run.Id, c.NodeId, c.Attempt);
                (attemptStartedAts[a], attemptFinishedAts[a]) = (UnixMicros.From(c.AttemptStartedAt), UnixMicros.From(c.At));
                (attemptErrors[a], attemptInputs[a], attemptLogs[a]) = (c.Error, c.InputJson, c.Logs);
                a++;
            }

            if (s.WritesOutbox)
            {
                foreach (var message in outbox)
                {
                    (messageRunIds[m], messageKinds[m], messageNodeIds[m], messageVersions[m]) = (run.Id, StatusNames.Of(message.Kind), message.NodeId, message.Version);
                    m++;
                }
            }
        }

        var command = s.Command(InsertRunArrays);
        var parameters = command.Parameters;
        if (parameters.Count != RunArrayNames.Length)
        {
            throw new InvalidOperationException($"The text {InsertRunArrays.Name} holds {parameters.Count} parameters, not the {RunArrayNames.Length} it binds.");
        }

        object[] values =
        [
            ids, ownerIds, flowIds, flowVersions, runStatuses, keys, remaining, createdAts,
            runStartedAts, runFinishedAts, parentRunIds, parentNodeIds, itemIndexes, parentAttempts, depths, inputs,
            nodeRunIds, nodeIds, ordinals, types, isTriggers, statuses, versions, attempts, pending,
            active, readyAts, startedAts, finishedAts, leaseUntils, outputs, workerIds, ports,
            attemptRunIds, attemptNodeIds, attemptNumbers, attemptStartedAts, attemptFinishedAts, attemptErrors,
            attemptInputs, attemptLogs,
            messageRunIds, messageKinds, messageNodeIds, messageVersions,
        ];
        for (var p = 0; p < values.Length; p++)
        {
            var parameter = parameters[p];
            if (!string.Equals(parameter.ParameterName, RunArrayNames[p], StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The text {InsertRunArrays.Name} holds {parameter.ParameterName} at position {p}, not {RunArrayNames[p]}.");
            }

            parameter.Value = values[p];
        }

        // Every run written, with each of its outbox rows (or one row of NULLs where it has none); a run not named was not written.
        var created = new HashSet<Guid>(runs);
        var outboxIds = new Dictionary<(Guid RunId, string NodeId), long>(messageCount);
        await using (var reader = await s.ReaderAsync(command, ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var runId = reader.GetGuid(0);
                created.Add(runId);
                if (!reader.IsDBNull(1))
                {
                    outboxIds[(runId, reader.GetString(2))] = reader.GetInt64(1);
                }
            }
        }

        for (var r = 0; r < runs; r++)
        {
            var (run, plan) = states[chunk[r]];
            if (!created.Contains(run.Id))
            {
                results[chunk[r]] = await ExistingRunAsync(s, run, ct);
                continue;
            }

            var (start, createdAt, startAt, outbox) = starts[chunk[r]];
            var messages = new List<OutboxMessage>(outbox.Count);
            foreach (var message in outbox)
            {
                messages.Add(new OutboxMessage(outboxIds.TryGetValue((run.Id, message.NodeId), out var id) ? id : OutboxMessage.NotStored, message));
            }

            var startFlow = new WorkMessage(WorkKind.StartFlow, run.Id, startAt, 1, run.FlowId, run.FlowVersion);
            results[chunk[r]] = await CreatedAsync(s, run, plan, start, createdAt, startFlow, messages, ct);
        }
    }
}
