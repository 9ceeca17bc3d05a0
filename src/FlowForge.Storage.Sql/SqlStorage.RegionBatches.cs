using System.Globalization;
using System.Numerics;
using System.Text;
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
/// are read and locked in one text (per 32 regions), each region is checked as alone, and the regions of one shape (rows,
/// attempts) that pass are written in one text of set-based statements: one UPDATE finishes every row, one INSERT adds every
/// attempt, one UPDATE lowers every run's count, one SELECT reads the runs' ends. A region that does not fit (an edge out of
/// it, more than 16 rows, a run twice in the batch), that the read sends one completion after another, or that is alone of
/// its size, is written as alone, in the same transaction; a stale one is answered stale as alone.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Regions one text of a region set reads or writes at most (a power of two).</summary>
    internal const int RegionsPerSet = 32;

    /// <summary>Node rows one text of a region set reads at most, over all its regions (a power of two).</summary>
    internal const int RowsPerRegionRead = 256;

    // Shapes (rows, attempts, regions) whose write text is kept; a set of another shape is written region by region.
    private const int RegionSetShapes = 256;

    private static readonly int[] RegionReadRunSlots = [2, 4, 8, 16, RegionsPerSet];

    private static readonly int[] RegionReadRowSlots = [2, 4, 8, 16, 32, 64, 128, RowsPerRegionRead];

    // The read texts by (run slot, row slot) and the write texts by shape, made as they are first needed.
    private static readonly SqlStatement?[,] RegionSetReads = new SqlStatement?[RegionReadRunSlots.Length, RegionReadRowSlots.Length];
    private static readonly Dictionary<(int Rows, int Attempts, int Regions), SqlStatement> RegionSetWrites = [];
    private static readonly Lock RegionSetsLock = new();

    // Region j's parameters are the one-region names prefixed with "g{j}_".
    private static readonly RegionSetNames[] RegionSetParameters = [.. Enumerable.Range(0, RegionsPerSet).Select(static j => new RegionSetNames(j))];

    private static readonly string[] RegionReadRunParameters = [.. Enumerable.Range(0, RegionsPerSet).Select(static i => $"@runId{i}")];

    private static readonly (string RunId, string NodeId)[] RegionReadRowParameters =
        [.. Enumerable.Range(0, RowsPerRegionRead).Select(static i => ($"@rowRunId{i}", $"@rowNodeId{i}"))];

    private static SqlStatement RegionSetRead(int runSlot, int rowSlot)
    {
        if (Volatile.Read(ref RegionSetReads[runSlot, rowSlot]) is { } made)
        {
            return made;
        }

        lock (RegionSetsLock)
        {
            var (runs, rows) = (RegionReadRunSlots[runSlot], RegionReadRowSlots[rowSlot]);
            return RegionSetReads[runSlot, rowSlot] ??= new SqlStatement($"SelectRegionSet{runs}x{rows}", d => !d.WritesRegionSets ? "" : $"""
                SELECT Status, OwnerId, FlowId, FlowVersion, ParentRunId, ParentNodeId, Id FROM Runs
                WHERE Id IN ({string.Join(", ", RegionReadRunParameters.Take(runs))}){d.ForUpdate};
                SELECT RunId, NodeId, Status, Version, PendingParents, ActiveParents, Attempt, Interruptions, ResumedFrom FROM NodeInstances
                WHERE (RunId, NodeId) IN ({string.Join(", ", RegionReadRowParameters.Take(rows).Select(static p => $"({p.RunId}, {p.NodeId})"))}){d.ForUpdate}
                """)
            {
                Prepares = false,
            };
        }
    }

    /// <summary>The text that writes <paramref name="regions"/> regions of one shape, or null when too many shapes are kept.</summary>
    private static SqlStatement? RegionSetWrite(int rows, int attempts, int regions)
    {
        lock (RegionSetsLock)
        {
            if (RegionSetWrites.TryGetValue((rows, attempts, regions), out var statement))
            {
                return statement;
            }

            if (RegionSetWrites.Count >= RegionSetShapes)
            {
                return null;
            }

            var text = RegionSetWriteText(rows, attempts, regions);
            statement = new SqlStatement($"FinishRegionSet{rows}x{attempts}x{regions}", d => d.WritesRegionSets ? text : "") { Prepares = false };
            RegionSetWrites.Add((rows, attempts, regions), statement);
            return statement;
        }
    }

    // Every column of the one-region finish keyed first by run, then (as alone) by node; the rows of every region, each at
    // its version; the attempts of all in one insert; every run's count lowered by the same number (all regions have as
    // many rows), its end read back. MySQL assigns left to right: the run's count is lowered last.
    private static string RegionSetWriteText(int rows, int attempts, int regions)
    {
        var all = Enumerable.Range(0, regions).ToArray();
        string Of(int region, string names) => names.Replace("@", $"@g{region}_", StringComparison.Ordinal);
        string ByRun(string value) => value.Contains('@', StringComparison.Ordinal)
            ? $"CASE RunId {string.Join(" ", all.Select(j => $"WHEN @g{j}_runId THEN {Of(j, value)}"))} END"
            : value;
        var runs = string.Join(", ", all.Select(static j => $"@g{j}_runId"));
        var text = new StringBuilder($"""
            UPDATE NodeInstances
            SET {string.Join(",\n    ", FinishRegionColumns(rows, withFirst: true).Select(c => $"{c.Column} = {ByRun(c.Value)}"))}
            WHERE {string.Join("\n   OR ", all.Select(j => $"({Of(j, FinishRegionWhere(rows))})"))};

            """);
        if (attempts > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
                VALUES {string.Join(",\n    ", all.SelectMany(j => Enumerable.Range(0, attempts).Select(i => Of(j,
                    $"(@runId, @aNodeId{i}, @aAttempt{i}, 'Succeeded', @aStartedAt{i}, @aFinishedAt{i}, NULL, @aError{i}, @aInput{i}, @aLogs{i})"))))};

                """);
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            UPDATE Runs
            SET FinishedAt = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN CASE Id {string.Join(" ", all.Select(static j => $"WHEN @g{j}_runId THEN @g{j}_at"))} END ELSE FinishedAt END,
                Status = CASE WHEN RemainingNodes <= @finished AND Status = 'Running' THEN 'Succeeded' ELSE Status END,
                RemainingNodes = RemainingNodes - @finished
            WHERE Id IN ({runs});
            SELECT Id, Status FROM Runs WHERE Id IN ({runs})
            """);
        return text.ToString();
    }

    private static int SlotOf(int[] slots, int count)
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i] >= count)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(count), count, $"A region set names at most {slots[^1]}.");
    }

    /// <summary>The parameter names of region j of a region set's write.</summary>
    private sealed class RegionSetNames(int j)
    {
        public string RunId { get; } = $"@g{j}_runId";

        public string WorkerId { get; } = $"@g{j}_workerId";

        public string At { get; } = $"@g{j}_at";

        // The one-region names (RegionRowParameters, OneTripAttemptParameters) with the prefix; made here, not from those
        // arrays, which a static initializer in another file may not have set yet.
        public (string Node, string Version, string NewVersion, string Output, string Ports, string FinishedAt, string ReadyAt, string Active, string StartedAt)[] Rows { get; } =
            [.. Enumerable.Range(0, RegionRowsPerStatement).Select(i => (P(j, $"@nodeId{i}"), P(j, $"@version{i}"), P(j, $"@newVersion{i}"), P(j, $"@output{i}"),
                P(j, $"@ports{i}"), P(j, $"@finishedAt{i}"), P(j, $"@readyAt{i}"), P(j, $"@activeParents{i}"), P(j, $"@startedAt{i}")))];

        public (string Node, string Attempt, string StartedAt, string FinishedAt, string Error, string Input, string Logs)[] Attempts { get; } =
            [.. Enumerable.Range(0, RegionRowsPerStatement).Select(i => (P(j, $"@aNodeId{i}"), P(j, $"@aAttempt{i}"), P(j, $"@aStartedAt{i}"), P(j, $"@aFinishedAt{i}"),
                P(j, $"@aError{i}"), P(j, $"@aInput{i}"), P(j, $"@aLogs{i}")))];

        private static string P(int j, string name) => $"@g{j}_{name[1..]}";
    }

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

            for (int from = 0, take; from < members.Count; from += take)
            {
                take = 0;
                var rows = 0;
                while (from + take < members.Count && take < RegionsPerSet && rows + regions[members[from + take]]!.Completions.Length <= RowsPerRegionRead)
                {
                    rows += regions[members[from + take]]!.Completions.Length;
                    take++;
                }

                await ReadAsync(session, members.GetRange(from, take), rows, regions, runs, cancellationToken);
            }

            // As alone: a run not Running, or a row not as the set needs it, goes one completion after another; a first
            // node held by another claim is stale.
            var shapes = new Dictionary<(int Rows, int Attempts), List<int>>();
            foreach (var i in members)
            {
                var region = regions[i]!;
                var verdict = runs[i] is { Status: RunStatus.Running } ? region.Verdict() : RegionRow.OneByOne;
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
                    var shape = (region.Completions.Length, region.Attempts);
                    if (!shapes.TryGetValue(shape, out var ofShape))
                    {
                        shapes[shape] = ofShape = [];
                    }

                    ofShape.Add(i);
                }
            }

            foreach (var ((rows, attempts), ofShape) in shapes)
            {
                // Texts of 2, 4, 8 … regions only: 13 regions go as 8, 4 and one alone.
                for (int from = 0, take; from < ofShape.Count; from += take)
                {
                    take = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(RegionsPerSet, ofShape.Count - from) + 1) / 2;
                    var chunk = ofShape.GetRange(from, take);
                    if (take >= 2 && RegionSetWrite(rows, attempts, take) is { } statement)
                    {
                        await WriteAsync(session, statement, chunk, rows, attempts, regions, runs, results, cancellationToken);
                        continue;
                    }

                    foreach (var i in chunk)
                    {
                        var region = regions[i]!;
                        var lastAt = UnixMicros.From(region.Last.At);
                        var ended = await FinishRegionInOneTripAsync(
                            session, runs[i]!, region.Completions, region.Versions, region.ReadyAt, region.Active, region.Claim, lastAt, cancellationToken);
                        results[i] = await WrittenAsync(session, region, runs[i]!, ended, cancellationToken);
                    }
                }
            }

            await CompleteAloneAsync(session, states, alone, results, cancellationToken);
        }

        // The runs' rows, then the regions' rows, read and locked in one text; each row taken by its region.
        private static async ValueTask ReadAsync(
            SqlSession s, List<int> chunk, int rows, RegionWrite?[] regions, RunRow?[] runs, CancellationToken ct)
        {
            var (runSlot, rowSlot) = (SlotOf(RegionReadRunSlots, chunk.Count), SlotOf(RegionReadRowSlots, rows));
            var command = s.Command(RegionSetRead(runSlot, rowSlot));
            var byRun = new Dictionary<Guid, int>(chunk.Count);
            var row = 0;
            for (var k = 0; k < chunk.Count; k++)
            {
                var region = regions[chunk[k]]!;
                var runId = region.Last.RunId;
                byRun[runId] = chunk[k];
                command.Bind(RegionReadRunParameters[k], runId);
                foreach (var completion in region.Completions)
                {
                    command.Bind(RegionReadRowParameters[row].RunId, runId).Bind(RegionReadRowParameters[row].NodeId, completion.NodeId);
                    row++;
                }
            }

            // The slots past the set repeat its first run and its first row.
            var first = regions[chunk[0]]!;
            for (var k = chunk.Count; k < RegionReadRunSlots[runSlot]; k++)
            {
                command.Bind(RegionReadRunParameters[k], first.Last.RunId);
            }

            for (; row < RegionReadRowSlots[rowSlot]; row++)
            {
                command.Bind(RegionReadRowParameters[row].RunId, first.Last.RunId).Bind(RegionReadRowParameters[row].NodeId, first.Completions[0].NodeId);
            }

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
            SqlSession s, SqlStatement statement, List<int> chunk, int rows, int attempts, RegionWrite?[] regions, RunRow?[] runs,
            CompletionResult[] results, CancellationToken ct)
        {
            var command = s.Command(statement).Bind("@finished", rows);
            for (var j = 0; j < chunk.Count; j++)
            {
                var region = regions[chunk[j]]!;
                var names = RegionSetParameters[j];
                command.Bind(names.RunId, region.Last.RunId)
                    .Bind(names.WorkerId, region.Claim.WorkerId)
                    .Bind(names.At, UnixMicros.From(region.Last.At));
                for (var i = 0; i < rows; i++)
                {
                    BindRegionRow(command, names.Rows[i], i, region.Completions, region.Versions, region.ReadyAt, region.Active);
                }

                var a = 0;
                foreach (var completion in region.Completions)
                {
                    if (completion.Attempt > 0)
                    {
                        BindRegionAttempt(command, names.Attempts[a++], completion);
                    }
                }
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
            if (written != chunk.Count * (rows + attempts + 1) || ends.Count != chunk.Count)
            {
                throw new InvalidOperationException(
                    $"The write of {chunk.Count} regions changed {written} rows for {rows} nodes, {attempts} attempts and the run of each.");
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
