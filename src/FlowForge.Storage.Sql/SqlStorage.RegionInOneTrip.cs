using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A region's write in one round trip on PostgreSQL (<see cref="SqlDialect.GuardsRegionWriteInOneTrip"/>), where no edge
/// leaves the region: the run's row and the region's rows
/// read and locked (as the two-trip write's first command does), then the rows finished, their attempts inserted and the
/// run's count lowered, each write guarded in SQL by what the read must have shown. The guard is the one
/// <see cref="TryCompleteRegionAsSetAsync"/> applies to the rows it read: the run Running; the first node Running at the
/// completion's version; every later node Pending as its first attempt, with exactly the region's edges into it left to
/// resolve and one of them (or one resolved before) taken. It holds for all the rows or for none: the finish counts the rows
/// that pass it and changes them only when all do, and the attempts and the count follow only a finish of every row (one
/// statement whose parts read the finish's rows).
/// When the guard fails nothing is written, and the caller decides from the rows it read as after the two-trip read:
/// the first node taken by another claim is stale, anything else is written one completion after another.
/// </summary>
public sealed partial class SqlStorage
{
    // GuardedRegionTrips[n - 1, a]: n rows (the first the claimed one), a attempts.
    private static readonly SqlStatement?[,] GuardedRegionTrips = new SqlStatement?[RegionRowsPerStatement, RegionRowsPerStatement + 1];

    private static readonly string[] RegionEdgeParameters = [.. Enumerable.Range(0, RegionRowsPerStatement).Select(static i => $"@edges{i}")];

    private static SqlStatement GuardedRegionTrip(int rows, int attempts)
    {
        if (Volatile.Read(ref GuardedRegionTrips[rows - 1, attempts]) is { } made)
        {
            return made;
        }

        lock (StartStatementsLock)
        {
            return GuardedRegionTrips[rows - 1, attempts] ??= new SqlStatement($"RegionInOneTrip{rows}x{attempts}", d => !d.GuardsRegionWriteInOneTrip ? "" :
                $"{SelectRunForChange.TextFor(d)};\n{SelectRegionRows[rows - 1].TextFor(d)};\n{GuardedRegionWriteForPostgres(rows, attempts)}")
            {
                Prepares = false,
            };
        }
    }

    // True, for the rows as they stand, exactly when the C# check of the rows read would pass (see the type's summary).
    private static string RegionGuard(int rows) => $"""
        EXISTS (SELECT 1 FROM Runs WHERE Id = @runId AND Status = 'Running')
          AND (SELECT g.Passed FROM (SELECT COUNT(*) AS Passed FROM NodeInstances WHERE RunId = @runId AND (
                (NodeId = @nodeId0 AND Status = 'Running' AND Version = @version0){string.Concat(Enumerable.Range(1, rows - 1).Select(static i => $"""

                OR (NodeId = @nodeId{i} AND Status = 'Pending' AND PendingParents = @edges{i} AND ActiveParents + @activeParents{i} > 0
                    AND Attempt = 0 AND Interruptions = 0 AND ResumedFrom IS NULL)
        """))})) AS g) = @finished
        """;

    // As FinishRegionText with the first node, but the later rows' version and taken edges counted on from what they hold
    // (the read's values are not known when the text is sent), under the guard.
    private static string GuardedFinishRegionText(int rows)
    {
        string Each(Func<int, string> row) => string.Join(" ", Enumerable.Range(0, rows).Select(row));
        string Later(string column, Func<int, string> row) =>
            rows > 1 ? $"CASE NodeId {string.Join(" ", Enumerable.Range(1, rows - 1).Select(row))} ELSE {column} END" : column;
        return $"""
            UPDATE NodeInstances
            SET Status = 'Succeeded',
                Output = CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @output{i}")} END,
                OutputBlob = NULL, OutputBytes = NULL, Error = NULL,
                Ports = CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @ports{i}")} END,
                FinishedAt = CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @finishedAt{i}")} END,
                Version = CASE NodeId WHEN @nodeId0 THEN @newVersion0 ELSE Version + 3 END,
                LeaseUntil = NULL, WaitUntil = NULL,
                PendingParents = CASE NodeId WHEN @nodeId0 THEN PendingParents ELSE 0 END,
                ActiveParents = {Later("ActiveParents", static i => $"WHEN @nodeId{i} THEN ActiveParents + @activeParents{i}")},
                ReadyAt = {Later("ReadyAt", static i => $"WHEN @nodeId{i} THEN @readyAt{i}")},
                StartedAt = {Later("StartedAt", static i => $"WHEN @nodeId{i} THEN COALESCE(StartedAt, @startedAt{i})")},
                Attempt = CASE NodeId WHEN @nodeId0 THEN Attempt ELSE 1 END,
                WaitKind = CASE NodeId WHEN @nodeId0 THEN WaitKind ELSE NULL END,
                WorkerId = CASE NodeId WHEN @nodeId0 THEN WorkerId ELSE @workerId END
            WHERE RunId = @runId AND NodeId IN ({RegionList(rows, static i => $"@nodeId{i}")})
              AND {RegionGuard(rows)}
            """;
    }

    // The attempts as rows of a derived table; on PostgreSQL typed, as a NULL parameter has no type of its own.
    private static string RegionAttemptRows(int attempts, bool typed)
    {
        string Typed(string parameter, string type) => typed ? $"CAST({parameter} AS {type})" : parameter;
        return string.Join("\nUNION ALL ", Enumerable.Range(0, attempts).Select(i =>
            $"SELECT {Typed($"@aNodeId{i}", "TEXT")} AS NodeId, {Typed($"@aAttempt{i}", "INTEGER")} AS Attempt, "
            + $"{Typed($"@aStartedAt{i}", "BIGINT")} AS StartedAt, {Typed($"@aFinishedAt{i}", "BIGINT")} AS FinishedAt, "
            + $"{Typed($"@aError{i}", "TEXT")} AS Error, {Typed($"@aInput{i}", "TEXT")} AS InputJson, {Typed($"@aLogs{i}", "TEXT")} AS Logs"));
    }

    private const string InsertRegionAttemptsFrom = """
        INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
        SELECT @runId, v.NodeId, v.Attempt, 'Succeeded', v.StartedAt, v.FinishedAt, NULL, v.Error, v.InputJson, v.Logs
        """;

    // One statement: what its parts write is all or nothing, as the attempts and the count read the finish's rows. Its
    // one row (none when the guard failed) carries the run's status and how many rows the finish and the attempts wrote.
    private static string GuardedRegionWriteForPostgres(int rows, int attempts)
    {
        var attemptRows = attempts == 0 ? "" : $"""
            ,
            attempts AS (
            {InsertRegionAttemptsFrom}
            FROM ({RegionAttemptRows(attempts, typed: true)}) AS v
            WHERE EXISTS (SELECT 1 FROM finished)
            RETURNING 1)
            """;
        return $"""
            WITH finished AS (
            {GuardedFinishRegionText(rows)}
            RETURNING 1){attemptRows}
            UPDATE Runs
            SET RemainingNodes = RemainingNodes - @finished,
                Status = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN 'Succeeded' ELSE Status END,
                FinishedAt = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN @at ELSE FinishedAt END
            WHERE Id = @runId AND EXISTS (SELECT 1 FROM finished)
            RETURNING Status, (SELECT COUNT(*) FROM finished), {(attempts == 0 ? "0" : "(SELECT COUNT(*) FROM attempts)")}
            """;
    }

    /// <summary>
    /// The region written in one round trip: the result when it was, <see cref="CompletionResult.Stale"/> when the first
    /// node is no longer this claim's, or null when nothing was written and the region must go one completion after another.
    /// </summary>
    private static async ValueTask<CompletionResult?> TryCompleteRegionInOneTripAsync(
        SqlSession s, NodeCompletion[] completions, Dictionary<string, int> index, int[] edges, int[] active, long[] readyAt,
        ChainClaim claim, long lastAt, CancellationToken ct)
    {
        var rows = completions.Length;
        var runId = completions[0].RunId;
        var recorded = completions.Where(static c => c.Attempt > 0).ToList();
        var command = s.Command(GuardedRegionTrip(rows, recorded.Count))
            .Bind("@runId", runId)
            .Bind("@workerId", claim.WorkerId)
            .Bind("@finished", rows)
            .Bind("@at", lastAt)
            .Bind("@version0", completions[0].Version)
            .Bind("@newVersion0", completions[0].Version + 1);
        for (var i = 0; i < rows; i++)
        {
            var completion = completions[i];
            var names = RegionRowParameters[i];
            command.Bind(names.Node, completion.NodeId)
                .Bind(names.Output, completion.OutputJson)
                .Bind(names.Ports, PortList.Encode(completion.FiredPorts))
                .Bind(names.FinishedAt, UnixMicros.From(completion.At));
            if (i > 0)
            {
                command.Bind(RegionEdgeParameters[i], edges[i])
                    .Bind(names.Active, active[i])
                    .Bind(names.ReadyAt, readyAt[i])
                    .Bind(names.StartedAt, UnixMicros.From(completion.AttemptStartedAt ?? completion.At));
            }
        }

        for (var r = 0; r < recorded.Count; r++)
        {
            BindRegionAttempt(command, OneTripAttemptParameters[r], recorded[r]);
        }

        RunRow? run = null;
        bool? first = null;
        var othersReady = 0;
        string? status = null;
        long finishedRows = -1, attemptRows = -1;
        int written;
        await using (var reader = await s.ReaderAsync(command, ct))
        {
            if (await reader.ReadAsync(ct))
            {
                run = RunRowOf(reader, runId);
            }

            if (!await reader.NextResultAsync(ct))
            {
                throw new InvalidOperationException($"The region write of run {runId} read no rows of its nodes.");
            }

            while (await reader.ReadAsync(ct))
            {
                var i = index[reader.GetString(0)];
                var rowStatus = reader.GetString(1);
                var ready = i == 0
                    ? rowStatus == "Running" && reader.GetInt64(2) == completions[0].Version
                    : rowStatus == "Pending" && reader.GetInt64(3) == edges[i] && reader.GetInt64(4) + active[i] > 0
                        && reader.GetInt32(5) == 0 && reader.GetInt32(6) == 0 && reader.IsDBNull(7);
                if (i == 0)
                {
                    first = ready;
                }
                else if (ready)
                {
                    othersReady++;
                }
            }

            while (await reader.NextResultAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    status = reader.GetString(0);
                    if (reader.FieldCount == 3)
                    {
                        (finishedRows, attemptRows) = (reader.GetInt64(1), reader.GetInt64(2));
                    }
                }
            }

            written = reader.RecordsAffected;
        }

        var passed = run is { Status: RunStatus.Running } && first == true && othersReady == rows - 1;

        // What the SQL guard did must be what the rows read say it would do; they were read under the same locks.
        var applied = finishedRows == rows && attemptRows == recorded.Count;
        var nothing = status is null;
        if (passed ? !applied : !nothing)
        {
            throw new InvalidOperationException(
                $"The region write of run {runId} for {rows} nodes and {recorded.Count} attempts wrote {written} rows (finish {finishedRows}, "
                + $"attempts {attemptRows}) where the rows it read {(passed ? "passed" : "failed")} its guard.");
        }

        if (!passed)
        {
            // The first node's row gone or held by another claim is stale, as the guarded finish of a single completion
            // finds it; anything else (the run not Running, a later node not as the region left it) goes one by one.
            return run is not { Status: RunStatus.Running } ? null : first != true ? CompletionResult.Stale : null;
        }

        var ended = run!.Status == RunStatus.Running && status == "Succeeded" ? RunStatus.Succeeded : (RunStatus?)null;
        var succeeded = new List<NodeStateChange>(rows);
        succeeded.AddRange(completions.Select(static c => new NodeStateChange(c.NodeId, NodeStatus.Succeeded)));
        var woken = new List<OutboxMessage>();
        if (ended is not null)
        {
            await WakeParentAsync(s, run, lastAt, woken, ct);
        }

        return new CompletionResult(true, woken, succeeded, ended);
    }
}
