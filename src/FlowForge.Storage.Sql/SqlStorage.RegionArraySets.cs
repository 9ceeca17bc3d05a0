using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// The region writes of one group-commit batch written together on PostgreSQL (<see cref="Dialects.SqlDialect.WritesRegionArrays"/>):
/// alone, each region took a round trip of its own, its read and its guarded write in one text (SqlStorage.RegionInOneTrip.cs).
/// Together, the runs and rows of every region of the batch are read and locked in one statement pair over arrays (the runs
/// in their ids' order), each region is checked as alone (<see cref="RegionWrite.Read"/>), and every region that passes is
/// written in one statement over arrays: its rows finished at the versions read, its attempts inserted, its run's count
/// lowered by its rows and its end read back. Two round trips for the batch whatever its regions' shapes; both texts are
/// one each, so the server plans them once per connection. A region that does not fit (an edge out of it, more rows than
/// one statement of a region takes, a run twice in the batch), that the read sends one completion after another, or that is
/// the only one of the batch, is written as alone, in the same transaction; a stale one is answered stale as alone.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Regions one read and one write of a region array set take at most; more take another pair per this many.</summary>
    internal const int RegionsPerArraySet = 256;

    private static readonly SqlStatement SelectRegionArrays = new(nameof(SelectRegionArrays), static d => !d.WritesRegionArrays ? "" : """
        SELECT Status, OwnerId, FlowId, FlowVersion, ParentRunId, ParentNodeId, Id FROM Runs
        WHERE Id = ANY(@runIds::uuid[]) ORDER BY Id FOR UPDATE;
        SELECT n.RunId, n.NodeId, n.Status, n.Version, n.PendingParents, n.ActiveParents, n.Attempt, n.Interruptions, n.ResumedFrom
        FROM NodeInstances n JOIN unnest(@rowRunIds::uuid[], @rowNodeIds::text[]) AS k(RunId, NodeId) ON n.RunId = k.RunId AND n.NodeId = k.NodeId
        ORDER BY n.RunId, n.NodeId FOR UPDATE OF n
        """);

    // As FinishRegionColumns with the first node, a row's values from the arrays: the first keeps what only a later row sets.
    private static readonly SqlStatement FinishRegionArrays = new(nameof(FinishRegionArrays), static d => !d.WritesRegionArrays ? "" : """
        WITH v AS (
            SELECT * FROM unnest(@runIds::uuid[], @nodeIds::text[], @versions::bigint[], @newVersions::bigint[], @outputs::text[],
                    @portLists::text[], @finishedAts::bigint[], @firsts::boolean[], @actives::integer[], @readyAts::bigint[],
                    @startedAts::bigint[], @workerIds::uuid[])
                AS v(RunId, NodeId, Version, NewVersion, Output, Ports, FinishedAt, First, Active, ReadyAt, StartedAt, WorkerId)),
        finished AS (
            UPDATE NodeInstances n
            SET Status = 'Succeeded', Output = v.Output, OutputBlob = NULL, OutputBytes = NULL, Error = NULL, Ports = v.Ports,
                FinishedAt = v.FinishedAt, Version = v.NewVersion, LeaseUntil = NULL, WaitUntil = NULL,
                PendingParents = CASE WHEN v.First THEN n.PendingParents ELSE 0 END,
                ActiveParents = CASE WHEN v.First THEN n.ActiveParents ELSE v.Active END,
                ReadyAt = CASE WHEN v.First THEN n.ReadyAt ELSE v.ReadyAt END,
                StartedAt = CASE WHEN v.First THEN n.StartedAt ELSE COALESCE(n.StartedAt, v.StartedAt) END,
                Attempt = CASE WHEN v.First THEN n.Attempt ELSE 1 END,
                WaitKind = CASE WHEN v.First THEN n.WaitKind ELSE NULL END,
                WorkerId = CASE WHEN v.First THEN n.WorkerId ELSE v.WorkerId END
            FROM v
            WHERE n.RunId = v.RunId AND n.NodeId = v.NodeId AND n.Version = v.Version
            RETURNING 1),
        attempts AS (
            INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
            SELECT a.RunId, a.NodeId, a.Attempt, 'Succeeded', a.StartedAt, a.FinishedAt, NULL, a.Error, a.InputJson, a.Logs
            FROM unnest(@attemptRunIds::uuid[], @attemptNodeIds::text[], @attemptNumbers::integer[], @attemptStartedAts::bigint[],
                    @attemptFinishedAts::bigint[], @attemptErrors::text[], @attemptInputs::text[], @attemptLogs::text[])
                AS a(RunId, NodeId, Attempt, StartedAt, FinishedAt, Error, InputJson, Logs)
            RETURNING 1),
        counted AS (
            UPDATE Runs r
            SET RemainingNodes = r.RemainingNodes - c.Finished,
                Status = CASE WHEN r.RemainingNodes <= c.Finished AND r.Status = 'Running' THEN 'Succeeded' ELSE r.Status END,
                FinishedAt = CASE WHEN r.RemainingNodes <= c.Finished AND r.Status = 'Running' THEN c.At ELSE r.FinishedAt END
            FROM unnest(@countRunIds::uuid[], @counts::integer[], @ats::bigint[]) AS c(RunId, Finished, At)
            WHERE r.Id = c.RunId
            RETURNING r.Id, r.Status)
        SELECT Id, Status, (SELECT COUNT(*) FROM finished), (SELECT COUNT(*) FROM attempts) FROM counted
        """);

    /// <summary>The region writes of a batch of the server writer on PostgreSQL, written together (see the type's summary).</summary>
    private sealed class RegionArrayBatch : BatchedOperation<(NodeCompletion Completion, ExecutionPlan Plan), CompletionResult>
    {
        public static readonly RegionArrayBatch Instance = new();

        private RegionArrayBatch()
        {
        }

        public override ValueTask<CompletionResult> ExecuteOneAsync(SqlSession session, (NodeCompletion Completion, ExecutionPlan Plan) state, CancellationToken cancellationToken) =>
            CompleteNodeCoreAsync(session, state, cancellationToken);

        public override async ValueTask ExecuteManyAsync(
            SqlSession session, IReadOnlyList<(NodeCompletion Completion, ExecutionPlan Plan)> states, CompletionResult[] results, CancellationToken cancellationToken)
        {
            var regions = new RegionWrite?[states.Count];
            var runs = new RunRow?[states.Count];
            var (members, alone) = RegionMembersOf(states, regions);

            for (var from = 0; from < members.Count; from += RegionsPerArraySet)
            {
                var chunk = members.GetRange(from, Math.Min(RegionsPerArraySet, members.Count - from));
                await ReadAsync(session, chunk, regions, runs, cancellationToken);

                // As alone: a run not Running, or a row not as the set needs it, goes one completion after another; a first
                // node held by another claim is stale.
                var ready = new List<int>(chunk.Count);
                foreach (var i in chunk)
                {
                    var verdict = runs[i] is { Status: RunStatus.Running } ? regions[i]!.Verdict() : RegionRow.OneByOne;
                    if (verdict == RegionRow.Stale)
                    {
                        results[i] = CompletionResult.Stale;
                    }
                    else if (verdict == RegionRow.OneByOne)
                    {
                        alone.Add(i);
                    }
                    else
                    {
                        ready.Add(i);
                    }
                }

                if (ready.Count > 0)
                {
                    await WriteAsync(session, ready, regions, runs, results, cancellationToken);
                }
            }

            await CompleteAloneAsync(session, states, alone, results, cancellationToken);
        }

        // The runs' rows, then the regions' rows, read and locked in one command; each row taken by its region.
        private static async ValueTask ReadAsync(SqlSession s, List<int> chunk, RegionWrite?[] regions, RunRow?[] runs, CancellationToken ct)
        {
            var rows = 0;
            foreach (var i in chunk)
            {
                rows += regions[i]!.Completions.Length;
            }

            var runIds = new Guid[chunk.Count];
            var (rowRunIds, rowNodeIds) = (new Guid[rows], new string[rows]);
            var byRun = new Dictionary<Guid, int>(chunk.Count);
            var row = 0;
            for (var k = 0; k < chunk.Count; k++)
            {
                var region = regions[chunk[k]]!;
                var runId = region.Last.RunId;
                runIds[k] = runId;
                byRun[runId] = chunk[k];
                foreach (var completion in region.Completions)
                {
                    (rowRunIds[row], rowNodeIds[row]) = (runId, completion.NodeId);
                    row++;
                }
            }

            var command = s.Command(SelectRegionArrays).Bind("@runIds", runIds).Bind("@rowRunIds", rowRunIds).Bind("@rowNodeIds", rowNodeIds);
            await using var reader = await s.ReaderAsync(command, ct);
            while (await reader.ReadAsync(ct))
            {
                var runId = reader.GetGuid(6);
                runs[byRun[runId]] = RunRowOf(reader, runId);
            }

            if (!await reader.NextResultAsync(ct))
            {
                throw new InvalidOperationException("The read of a region array set returned no rows' result.");
            }

            while (await reader.ReadAsync(ct))
            {
                regions[byRun[reader.GetGuid(0)]]!.Read(reader, 1);
            }
        }

        private static async ValueTask WriteAsync(
            SqlSession s, List<int> ready, RegionWrite?[] regions, RunRow?[] runs, CompletionResult[] results, CancellationToken ct)
        {
            var (rows, attempts) = (0, 0);
            foreach (var i in ready)
            {
                rows += regions[i]!.Completions.Length;
                attempts += regions[i]!.Attempts;
            }

            var (runIds, nodeIds, versions, newVersions) = (new Guid[rows], new string[rows], new long[rows], new long[rows]);
            var (outputs, ports, finishedAts, firsts) = (new string?[rows], new string?[rows], new long[rows], new bool[rows]);
            var (actives, readyAts, startedAts, workerIds) = (new int[rows], new long?[rows], new long?[rows], new Guid?[rows]);
            var (attemptRunIds, attemptNodeIds, attemptNumbers) = (new Guid[attempts], new string[attempts], new int[attempts]);
            var (attemptStartedAts, attemptFinishedAts) = (new long?[attempts], new long?[attempts]);
            var (attemptErrors, attemptInputs, attemptLogs) = (new string?[attempts], new string?[attempts], new string?[attempts]);
            var (countRunIds, counts, ats) = (new Guid[ready.Count], new int[ready.Count], new long[ready.Count]);

            var (n, a) = (0, 0);
            for (var r = 0; r < ready.Count; r++)
            {
                var region = regions[ready[r]]!;
                var runId = region.Last.RunId;
                (countRunIds[r], counts[r], ats[r]) = (runId, region.Completions.Length, UnixMicros.From(region.Last.At));
                for (var i = 0; i < region.Completions.Length; i++, n++)
                {
                    var completion = region.Completions[i];
                    (runIds[n], nodeIds[n], versions[n], newVersions[n]) = (runId, completion.NodeId, region.Versions[i], region.Versions[i] + (i == 0 ? 1 : 3));
                    (outputs[n], ports[n], finishedAts[n], firsts[n]) = (completion.OutputJson, PortList.Encode(completion.FiredPorts), UnixMicros.From(completion.At), i == 0);
                    if (i > 0)
                    {
                        (actives[n], readyAts[n], startedAts[n], workerIds[n]) =
                            (region.Active[i], region.ReadyAt[i], UnixMicros.From(completion.AttemptStartedAt ?? completion.At), region.Claim.WorkerId);
                    }

                    if (completion.Attempt > 0)
                    {
                        (attemptRunIds[a], attemptNodeIds[a], attemptNumbers[a]) = (runId, completion.NodeId, completion.Attempt);
                        (attemptStartedAts[a], attemptFinishedAts[a]) = (UnixMicros.From(completion.AttemptStartedAt), UnixMicros.From(completion.At));
                        (attemptErrors[a], attemptInputs[a], attemptLogs[a]) = (completion.Error, completion.InputJson, completion.Logs);
                        a++;
                    }
                }
            }

            var command = s.Command(FinishRegionArrays)
                .Bind("@runIds", runIds).Bind("@nodeIds", nodeIds).Bind("@versions", versions).Bind("@newVersions", newVersions)
                .Bind("@outputs", outputs).Bind("@portLists", ports).Bind("@finishedAts", finishedAts).Bind("@firsts", firsts)
                .Bind("@actives", actives).Bind("@readyAts", readyAts).Bind("@startedAts", startedAts).Bind("@workerIds", workerIds)
                .Bind("@attemptRunIds", attemptRunIds).Bind("@attemptNodeIds", attemptNodeIds).Bind("@attemptNumbers", attemptNumbers)
                .Bind("@attemptStartedAts", attemptStartedAts).Bind("@attemptFinishedAts", attemptFinishedAts)
                .Bind("@attemptErrors", attemptErrors).Bind("@attemptInputs", attemptInputs).Bind("@attemptLogs", attemptLogs)
                .Bind("@countRunIds", countRunIds).Bind("@counts", counts).Bind("@ats", ats);

            var ends = new Dictionary<Guid, string>(ready.Count);
            long finishedRows = -1, attemptRows = -1;
            await using (var reader = await s.ReaderAsync(command, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    ends[reader.GetGuid(0)] = reader.GetString(1);
                    (finishedRows, attemptRows) = (reader.GetInt64(2), reader.GetInt64(3));
                }
            }

            // Every row finished at the version read, every attempt inserted, every run counted down: the rows were read and
            // locked by this transaction, so anything else is a broken invariant (the batch then runs again, each operation alone).
            if (finishedRows != rows || attemptRows != attempts || ends.Count != ready.Count)
            {
                throw new InvalidOperationException(
                    $"The write of {ready.Count} regions finished {finishedRows} of {rows} rows, inserted {attemptRows} of {attempts} attempts "
                    + $"and counted down {ends.Count} runs.");
            }

            foreach (var i in ready)
            {
                var run = runs[i]!;
                var ended = ends[run.Id] == "Succeeded" ? RunStatus.Succeeded : (RunStatus?)null;
                results[i] = await RegionBatch.WrittenAsync(s, regions[i]!, run, ended, ct);
            }
        }
    }
}
