using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// The region writes of one group-commit batch written together on MySQL (<see cref="Dialects.SqlDialect.WritesRegionSets"/>):
/// alone, a region took two round trips, its run's row and its rows read and locked, then its rows finished, its attempts
/// inserted and its run's count lowered (SqlStorage.RegionTrips.cs). Together, the runs and rows of every region of the batch
/// are read and locked in one text (per 32 regions), each region is checked as alone, and the regions that pass are written
/// in one text of set-based statements (per 32 regions): one UPDATE finishes every row, one INSERT adds every attempt, one
/// UPDATE lowers every run's count, one SELECT reads the runs' ends. Both texts are fixed: the rows, attempts and runs travel
/// as three JSON array parameters that the statements expand with JSON_TABLE and join to the tables' primary keys, so a set
/// of any size and shape is the same short text for the server to parse (a text per size and shape, with a CASE arm and an
/// OR per row, was 15-17 % of MariaDB's CPU). A region that does not fit (an edge out of it, more than 16 rows, a run twice
/// in the batch), that the read sends one completion after another, or that is alone, is written as alone, in the same
/// transaction; a stale one is answered stale as alone.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Regions one text of a region set reads or writes at most.</summary>
    internal const int RegionsPerSet = 32;

    /// <summary>Node rows one text of a region set reads or writes at most, over all its regions.</summary>
    internal const int RowsPerRegionRead = 256;

    // The runs' rows and then the regions' rows, each locked, in the order the JSON lists them: runs by id, each run's rows
    // by node id, as a range of the primary key would lock them. STRAIGHT_JOIN: the list first, each row found by its key.
    private static readonly SqlStatement SelectRegionSet = new(nameof(SelectRegionSet), static d => !d.WritesRegionSets ? "" : $"""
        SELECT r.Status, r.OwnerId, r.FlowId, r.FlowVersion, r.ParentRunId, r.ParentNodeId, r.Id
        FROM JSON_TABLE(@regionRuns, '$[*]' COLUMNS (RunHex CHAR(32) PATH '$[0]')) AS j STRAIGHT_JOIN Runs r ON r.Id = UNHEX(j.RunHex){d.ForUpdate};
        SELECT n.RunId, n.NodeId, n.Status, n.Version, n.PendingParents, n.ActiveParents, n.Attempt, n.Interruptions, n.ResumedFrom
        FROM JSON_TABLE(@regionRows, '$[*]' COLUMNS (RunHex CHAR(32) PATH '$[0]', NodeId VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]')) AS j
            STRAIGHT_JOIN NodeInstances n ON n.RunId = UNHEX(j.RunHex) AND n.NodeId = j.NodeId{d.ForUpdate}
        """)
    {
        Prepares = false,
    };

    // The one-region finish (FinishRegionColumns with its first node) for every row of the list: a region's first node
    // (Later 0) keeps the columns its claim set, the nodes after it (Later 1) are made Ready, claimed and finished. No
    // right-hand side reads a column another one sets (StartedAt and the runs' columns read only themselves or columns set
    // after them), so the order in which the multi-table UPDATE assigns them changes nothing. Every run's count is lowered
    // by its own region's rows; MySQL assigns left to right, and RemainingNodes is set last.
    private static readonly SqlStatement FinishRegionSet = new(nameof(FinishRegionSet), static d => !d.WritesRegionSets ? "" : """
        UPDATE JSON_TABLE(@regionRows, '$[*]' COLUMNS (
                RunHex CHAR(32) PATH '$[0]', NodeId VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]', Version BIGINT PATH '$[2]',
                NewVersion BIGINT PATH '$[3]', Output LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[4]',
                Ports LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[5]', FinishedAt BIGINT PATH '$[6]', Later INT PATH '$[7]',
                ReadyAt BIGINT PATH '$[8]', ActiveParents INT PATH '$[9]', StartedAt BIGINT PATH '$[10]', WorkerHex CHAR(32) PATH '$[11]')) AS j
            STRAIGHT_JOIN NodeInstances n ON n.RunId = UNHEX(j.RunHex) AND n.NodeId = j.NodeId
        SET n.Status = 'Succeeded', n.Output = j.Output, n.OutputBlob = NULL, n.OutputBytes = NULL, n.Error = NULL, n.Ports = j.Ports,
            n.FinishedAt = j.FinishedAt, n.Version = j.NewVersion, n.LeaseUntil = NULL, n.WaitUntil = NULL,
            n.PendingParents = IF(j.Later = 1, 0, n.PendingParents), n.ActiveParents = IF(j.Later = 1, j.ActiveParents, n.ActiveParents),
            n.ReadyAt = IF(j.Later = 1, j.ReadyAt, n.ReadyAt), n.StartedAt = IF(j.Later = 1, COALESCE(n.StartedAt, j.StartedAt), n.StartedAt),
            n.Attempt = IF(j.Later = 1, 1, n.Attempt), n.WaitKind = IF(j.Later = 1, NULL, n.WaitKind),
            n.WorkerId = IF(j.Later = 1, UNHEX(j.WorkerHex), n.WorkerId)
        WHERE n.Version = j.Version;
        INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
        SELECT UNHEX(j.RunHex), j.NodeId, j.Attempt, 'Succeeded', j.StartedAt, j.FinishedAt, NULL, j.Error, j.InputJson, j.Logs
        FROM JSON_TABLE(@regionAttempts, '$[*]' COLUMNS (
            RunHex CHAR(32) PATH '$[0]', NodeId VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]', Attempt INT PATH '$[2]',
            StartedAt BIGINT PATH '$[3]', FinishedAt BIGINT PATH '$[4]', Error LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[5]',
            InputJson LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[6]', Logs LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[7]')) AS j;
        UPDATE JSON_TABLE(@regionRuns, '$[*]' COLUMNS (RunHex CHAR(32) PATH '$[0]', At BIGINT PATH '$[1]', Finished INT PATH '$[2]')) AS j
            STRAIGHT_JOIN Runs r ON r.Id = UNHEX(j.RunHex)
        SET r.FinishedAt = CASE WHEN r.RemainingNodes <= j.Finished AND r.Status = 'Running' THEN j.At ELSE r.FinishedAt END,
            r.Status = CASE WHEN r.RemainingNodes <= j.Finished AND r.Status = 'Running' THEN 'Succeeded' ELSE r.Status END,
            r.RemainingNodes = r.RemainingNodes - j.Finished;
        SELECT r.Id, r.Status FROM JSON_TABLE(@regionRuns, '$[*]' COLUMNS (RunHex CHAR(32) PATH '$[0]')) AS j STRAIGHT_JOIN Runs r ON r.Id = UNHEX(j.RunHex)
        """)
    {
        Prepares = false,
    };

    // The JSON of the lists keeps every character but those JSON must escape as it is, and the server unescapes those.
    private static readonly JsonWriterOptions RegionSetJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    /// <summary>
    /// Which completions of a batch of region writes can be written together (<paramref name="regions"/> filled for them) and
    /// which go as alone: a region with an edge out of it, more rows than one statement of a region takes, or a run twice in
    /// the batch goes alone, and so does the only region of a batch (its own guarded write is one round trip).
    /// </summary>
    private static (List<int> Members, List<int> Alone) RegionMembersOf(
        IReadOnlyList<(NodeCompletion Completion, ExecutionPlan Plan)> states, RegionWrite?[] regions)
    {
        var members = new List<int>(states.Count);
        var alone = new List<int>();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < states.Count; i++)
        {
            var (last, plan) = states[i];
            if (last.Preceding.Count is > 0 and < RegionRowsPerStatement
                && RegionWrite.Of(last, plan, RegionClaimOf(last)) is { } region
                && !HasEdgesOutside(plan, region.Completions, region.Index)
                && seen.Add(last.RunId))
            {
                regions[i] = region;
                members.Add(i);
            }
            else
            {
                alone.Add(i);
            }
        }

        if (members.Count < 2)
        {
            alone.AddRange(members);
            members.Clear();
        }

        return (members, alone);
    }

    /// <summary>The completions of a batch of region writes that go as alone, one after another in the batch's order.</summary>
    private static async ValueTask CompleteAloneAsync(
        SqlSession session, IReadOnlyList<(NodeCompletion Completion, ExecutionPlan Plan)> states, List<int> alone, CompletionResult[] results,
        CancellationToken cancellationToken)
    {
        alone.Sort();
        foreach (var i in alone)
        {
            results[i] = await CompleteNodeCoreAsync(session, states[i], cancellationToken);
        }
    }

    /// <summary>The regions of <paramref name="members"/> in texts of at most <see cref="RegionsPerSet"/> regions and <see cref="RowsPerRegionRead"/> rows.</summary>
    private static List<List<int>> RegionChunksOf(List<int> members, RegionWrite?[] regions)
    {
        var chunks = new List<List<int>>();
        for (int from = 0, take; from < members.Count; from += take)
        {
            take = 0;
            var rows = 0;
            while (from + take < members.Count && take < RegionsPerSet && rows + regions[members[from + take]]!.Completions.Length <= RowsPerRegionRead)
            {
                rows += regions[members[from + take]]!.Completions.Length;
                take++;
            }

            // The regions by run id, as the keys' order locks them.
            var chunk = members.GetRange(from, take);
            chunk.Sort((x, y) => Dialects.GuidByteOrder.BigEndian.Compare(regions[x]!.Last.RunId, regions[y]!.Last.RunId));
            chunks.Add(chunk);
        }

        return chunks;
    }

    // Each region's run: its id, the time its end would take and the rows its write finishes.
    private static string RegionRunsJson(List<int> chunk, RegionWrite?[] regions) => RegionSetJsonOf(chunk, regions, static (w, region) =>
    {
        w.WriteStartArray();
        WriteHex(w, region.Last.RunId);
        w.WriteNumberValue(UnixMicros.From(region.Last.At));
        w.WriteNumberValue(region.Completions.Length);
        w.WriteEndArray();
    });

    // Each region's rows to read, by node id within the run.
    private static string RegionReadRowsJson(List<int> chunk, RegionWrite?[] regions) => RegionSetJsonOf(chunk, regions, static (w, region) =>
    {
        var nodes = region.Completions.Select(static c => c.NodeId).ToArray();
        Array.Sort(nodes, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            w.WriteStartArray();
            WriteHex(w, region.Last.RunId);
            w.WriteStringValue(node);
            w.WriteEndArray();
        }
    });

    // Each row's finish as BindRegionRow binds it for one region: its first node one version on, the others three.
    private static string RegionWriteRowsJson(List<int> chunk, RegionWrite?[] regions) => RegionSetJsonOf(chunk, regions, static (w, region) =>
    {
        for (var i = 0; i < region.Completions.Length; i++)
        {
            var completion = region.Completions[i];
            w.WriteStartArray();
            WriteHex(w, region.Last.RunId);
            w.WriteStringValue(completion.NodeId);
            w.WriteNumberValue(region.Versions[i]);
            w.WriteNumberValue(region.Versions[i] + (i == 0 ? 1 : 3));
            w.WriteStringValue(completion.OutputJson);
            w.WriteStringValue(PortList.Encode(completion.FiredPorts));
            w.WriteNumberValue(UnixMicros.From(completion.At));
            w.WriteNumberValue(i == 0 ? 0 : 1);
            w.WriteNumberValue(region.ReadyAt[i]);
            w.WriteNumberValue(region.Active[i]);
            w.WriteNumberValue(UnixMicros.From(completion.AttemptStartedAt ?? completion.At));
            WriteHex(w, region.Claim.WorkerId);
            w.WriteEndArray();
        }
    });

    // The attempts of the rows, as BindRegionAttempt binds them; a completion without an attempt number records none.
    private static string RegionAttemptsJson(List<int> chunk, RegionWrite?[] regions) => RegionSetJsonOf(chunk, regions, static (w, region) =>
    {
        foreach (var completion in region.Completions)
        {
            if (completion.Attempt <= 0)
            {
                continue;
            }

            w.WriteStartArray();
            WriteHex(w, region.Last.RunId);
            w.WriteStringValue(completion.NodeId);
            w.WriteNumberValue(completion.Attempt);
            if (UnixMicros.From(completion.AttemptStartedAt) is { } startedAt)
            {
                w.WriteNumberValue(startedAt);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteNumberValue(UnixMicros.From(completion.At));
            w.WriteStringValue(completion.Error);
            w.WriteStringValue(completion.InputJson);
            w.WriteStringValue(completion.Logs);
            w.WriteEndArray();
        }
    });

    private static string RegionSetJsonOf(List<int> chunk, RegionWrite?[] regions, Action<Utf8JsonWriter, RegionWrite> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * chunk.Count);
        using (var writer = new Utf8JsonWriter(buffer, RegionSetJson))
        {
            writer.WriteStartArray();
            foreach (var i in chunk)
            {
                write(writer, regions[i]!);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // A BINARY(16) key as the hex of its RFC 4122 bytes, which UNHEX turns back into the key MySqlConnector binds.
    private static void WriteHex(Utf8JsonWriter writer, Guid id)
    {
        Span<char> hex = stackalloc char[32];
        id.TryFormat(hex, out _, "N");
        writer.WriteStringValue(hex);
    }

    /// <summary>The region writes of a batch of the server writer, written together (see the type's summary).</summary>
    private sealed class RegionBatch : BatchedOperation<(NodeCompletion Completion, ExecutionPlan Plan), CompletionResult>
    {
        public static readonly RegionBatch Instance = new();

        private RegionBatch()
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
            foreach (var chunk in RegionChunksOf(members, regions))
            {
                await ReadAsync(session, chunk, regions, runs, cancellationToken);
            }

            // As alone: a run not Running, or a row not as the set needs it, goes one completion after another; a first
            // node held by another claim is stale.
            var passing = new List<int>(members.Count);
            foreach (var i in members)
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
                    passing.Add(i);
                }
            }

            foreach (var chunk in RegionChunksOf(passing, regions))
            {
                await WriteAsync(session, chunk, regions, runs, results, cancellationToken);
            }

            await CompleteAloneAsync(session, states, alone, results, cancellationToken);
        }

        // The runs' rows, then the regions' rows, read and locked in one text; each row taken by its region.
        private static async ValueTask ReadAsync(SqlSession s, List<int> chunk, RegionWrite?[] regions, RunRow?[] runs, CancellationToken ct)
        {
            var byRun = new Dictionary<Guid, int>(chunk.Count);
            foreach (var i in chunk)
            {
                byRun[regions[i]!.Last.RunId] = i;
            }

            var command = s.Command(SelectRegionSet)
                .Bind("@regionRuns", RegionRunsJson(chunk, regions))
                .Bind("@regionRows", RegionReadRowsJson(chunk, regions));
            await using var reader = await s.ReaderAsync(command, ct);
            while (await reader.ReadAsync(ct))
            {
                var runId = reader.GetGuid(6);
                runs[byRun[runId]] = RunRowOf(reader, runId);
            }

            if (!await reader.NextResultAsync(ct))
            {
                throw new InvalidOperationException("The read of a region set returned no rows' result.");
            }

            while (await reader.ReadAsync(ct))
            {
                regions[byRun[reader.GetGuid(0)]]!.Read(reader, 1);
            }
        }

        private static async ValueTask WriteAsync(
            SqlSession s, List<int> chunk, RegionWrite?[] regions, RunRow?[] runs, CompletionResult[] results, CancellationToken ct)
        {
            var command = s.Command(FinishRegionSet)
                .Bind("@regionRows", RegionWriteRowsJson(chunk, regions))
                .Bind("@regionAttempts", RegionAttemptsJson(chunk, regions))
                .Bind("@regionRuns", RegionRunsJson(chunk, regions));
            var expected = 0;
            foreach (var i in chunk)
            {
                expected += regions[i]!.Completions.Length + regions[i]!.Attempts + 1;
            }

            var ends = new Dictionary<Guid, string>(chunk.Count);
            int written;
            await using (var reader = await s.ReaderAsync(command, ct))
            {
                do
                {
                    while (await reader.ReadAsync(ct))
                    {
                        ends[reader.GetGuid(0)] = reader.GetString(1);
                    }
                }
                while (await reader.NextResultAsync(ct));
                written = reader.RecordsAffected;
            }

            // Every row finished, every attempt inserted, every run counted down: the rows were read and locked by this
            // transaction, so anything else is a broken invariant (the batch then runs again, each operation alone).
            if (written != expected || ends.Count != chunk.Count)
            {
                throw new InvalidOperationException(
                    $"The write of {chunk.Count} regions changed {written} rows of the {expected} of their nodes, attempts and runs.");
            }

            foreach (var i in chunk)
            {
                var run = runs[i]!;
                var ended = ends[run.Id] == "Succeeded" ? RunStatus.Succeeded : (RunStatus?)null;
                results[i] = await WrittenAsync(s, regions[i]!, run, ended, ct);
            }
        }

        // What a region written whole answers: every node Succeeded, the run's end and the parent it wakes.
        internal static async ValueTask<CompletionResult> WrittenAsync(SqlSession s, RegionWrite region, RunRow run, RunStatus? ended, CancellationToken ct)
        {
            var succeeded = new List<NodeStateChange>(region.Completions.Length);
            foreach (var completion in region.Completions)
            {
                succeeded.Add(new NodeStateChange(completion.NodeId, NodeStatus.Succeeded));
            }

            var woken = new List<OutboxMessage>();
            if (ended is not null)
            {
                await WakeParentAsync(s, run, UnixMicros.From(region.Last.At), woken, ct);
            }

            return new CompletionResult(true, woken, succeeded, ended);
        }
    }
}
