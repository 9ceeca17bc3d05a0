using System.Globalization;
using System.Text;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    /// <summary>Rows one statement of a claim set names on MySQL, where each row is a group of parameters; more take more statements.</summary>
    internal const int ClaimSetRows = 64;

    // A set's statement names a power of two of rows (2, 4 … 64), the unused ones repeating its first row, so that a
    // handful of prepared statements serve every set size.
    private static readonly int[] RowSlots = [2, 4, 8, 16, 32, ClaimSetRows];

    // PostgreSQL claims every Ready node of the set in one UPDATE over the arrays of its messages; what a claim returns
    // is what ClaimReadyNodeReturning returns for one.
    private static readonly SqlStatement ClaimReadyNodesOfSet = new(nameof(ClaimReadyNodesOfSet), d => d is not PostgresDialect ? ClaimReadyNodesByRowsText(2) : """
        UPDATE NodeInstances n
        SET Status = 'Running', Version = n.Version + 1, Attempt = n.Attempt + 1, LeaseUntil = c.LeaseUntil, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(n.StartedAt, c.ClaimedAt), WorkerId = c.WorkerId
        FROM unnest(@runIds::uuid[], @nodeIds::text[], @versions::bigint[], @leaseUntils::bigint[], @nows::bigint[], @workerIds::uuid[])
                AS c(RunId, NodeId, Version, LeaseUntil, ClaimedAt, WorkerId)
            JOIN Runs r ON r.Id = c.RunId
        WHERE n.RunId = c.RunId AND n.NodeId = c.NodeId AND n.Version = c.Version AND n.Status = 'Ready'
          AND r.Status IN ('Pending', 'Running')
        RETURNING n.RunId, n.NodeId, n.Attempt, n.ResumedFrom, n.Interruptions, r.Status, r.OwnerId
        """);

    private static readonly SqlStatement SelectRunInputsOfSet = new(nameof(SelectRunInputsOfSet), d => d is not PostgresDialect ? SelectRunInputsByRowsText(2) : """
        SELECT RunId, InputJson FROM RunInputs WHERE RunId = ANY(@runIds::uuid[])
        """);

    private static readonly SqlStatement SelectOutputsOfSet = new(nameof(SelectOutputsOfSet), d => d is not PostgresDialect ? SelectOutputsByRowsText(2) : """
        SELECT n.RunId, n.NodeId, n.Output, n.OutputBlob, n.OutputBytes, n.FinishedAt, n.Ports
        FROM unnest(@runIds::uuid[], @nodeIds::text[]) AS d(RunId, NodeId)
            JOIN NodeInstances n ON n.RunId = d.RunId AND n.NodeId = d.NodeId
        WHERE n.Status IN ('Succeeded', 'Failed')
        """);

    // MySQL has neither arrays nor UPDATE … RETURNING: a set reads its nodes in one SELECT, decides each claim as the full
    // claim does, and claims the Ready ones in one UPDATE whose row count tells whether every one of them was still
    // there to claim.
    private static readonly SqlStatement[] SelectClaimTargetsOfSet = [.. RowSlots.Select(static rows => new SqlStatement($"{nameof(SelectClaimTargetsOfSet)}{rows}", d => SelectClaimTargetsByRowsText(d, rows)))];

    private static readonly SqlStatement[] ClaimReadyNodesOfSetByRows = [.. RowSlots.Select(static rows => new SqlStatement($"{nameof(ClaimReadyNodesOfSetByRows)}{rows}", ClaimReadyNodesByRowsText(rows)))];

    private static readonly SqlStatement[] SelectRunInputsOfSetByRows = [.. RowSlots.Select(static rows => new SqlStatement($"{nameof(SelectRunInputsOfSetByRows)}{rows}", SelectRunInputsByRowsText(rows)))];

    private static readonly SqlStatement[] SelectOutputsOfSetByRows = [.. RowSlots.Select(static rows => new SqlStatement($"{nameof(SelectOutputsOfSetByRows)}{rows}", SelectOutputsByRowsText(rows)))];

    private static readonly string[][] RowParameters = [.. Enumerable.Range(0, ClaimSetRows).Select(static i => new[]
    {
        $"@runId{i}", $"@nodeId{i}", $"@version{i}", $"@leaseUntil{i}", $"@now{i}", $"@workerId{i}",
    })];

    // MySQL reads the nodes by their keys first and each one's run by its key (STRAIGHT_JOIN), whatever it guesses of
    // the tables' sizes: read the other way round, a small set would scan the runs.
    private static string SelectClaimTargetsByRowsText(SqlDialect dialect, int rows) => $"""
        SELECT n.RunId, n.NodeId, n.Status, n.Version, n.Attempt, n.LeaseUntil, n.WaitUntil, r.Status, n.WaitKind, n.ResumedFrom, n.Interruptions, r.OwnerId
        FROM NodeInstances n {(dialect is MySqlDialect ? "STRAIGHT_JOIN" : "JOIN")} Runs r ON r.Id = n.RunId
        WHERE {(dialect is MySqlDialect ? RowsIn(rows, "n.RunId, n.NodeId", "@runId{0}, @nodeId{0}") : RowsOf(rows, "n.RunId = @runId{0} AND n.NodeId = @nodeId{0}"))}
        """;

    private static string ClaimReadyNodesByRowsText(int rows) => $"""
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = Attempt + 1, LeaseUntil = {CaseOf(rows, "@leaseUntil{0}")}, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(StartedAt, {CaseOf(rows, "@now{0}")}), WorkerId = {CaseOf(rows, "@workerId{0}")}
        WHERE Status = 'Ready' AND ({RowsOf(rows, "RunId = @runId{0} AND NodeId = @nodeId{0} AND Version = @version{0}")})
        """;

    private static string SelectRunInputsByRowsText(int rows) => $"""
        SELECT RunId, InputJson FROM RunInputs WHERE RunId IN ({string.Join(", ", Enumerable.Range(0, rows).Select(static i => $"@runId{i}"))})
        """;

    private static string SelectOutputsByRowsText(int rows) => $"""
        SELECT RunId, NodeId, Output, OutputBlob, OutputBytes, FinishedAt, Ports FROM NodeInstances
        WHERE ({RowsOf(rows, "RunId = @runId{0} AND NodeId = @nodeId{0}")}) AND Status IN ('Succeeded', 'Failed')
        """;

    private static string RowsOf(int rows, string row) =>
        string.Join(" OR ", Enumerable.Range(0, rows).Select(i => "(" + string.Format(CultureInfo.InvariantCulture, row, i) + ")"));

    // The same rows as one row-value IN list, for MySQL's reads: MariaDB builds the same point ranges of the primary key from
    // it, and a SELECT of 8 to 256 rows so named cost its server 16-44 % less CPU than the OR of equalities. Not for an
    // UPDATE's rows: there it cost as much or more (docs/benchmarks.md, round thirteen).
    private static string RowsIn(int rows, string columns, string row) =>
        $"({columns}) IN ({string.Join(", ", Enumerable.Range(0, rows).Select(i => "(" + string.Format(CultureInfo.InvariantCulture, row, i) + ")"))})";

    private static string CaseOf(int rows, string value)
    {
        var text = new StringBuilder("CASE");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" WHEN RunId = @runId{i} AND NodeId = @nodeId{i} THEN ").Append(string.Format(CultureInfo.InvariantCulture, value, i));
        }

        return text.Append(" END").ToString();
    }

    private static int SlotIndexFor(int rows)
    {
        for (var i = 0; i < RowSlots.Length; i++)
        {
            if (RowSlots[i] >= rows)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(rows), rows, $"A statement of a claim set names at most {ClaimSetRows} rows.");
    }

    /// <summary>
    /// The claims of one batch of the server writer, together: on PostgreSQL every Ready node of the set is claimed in one
    /// UPDATE … FROM unnest(…) RETURNING; on MySQL one SELECT reads every node and one UPDATE claims the Ready ones. The run
    /// inputs the process does not hold yet are read in one statement, and the outputs of every claim's dependencies in
    /// another. Each claim gets its own answer: one whose message is stale, whose node is not Ready or whose run has ended
    /// answers null as it would alone, and one the set could not claim in one step (a node on a timer come due, a lease run
    /// out) goes through the full claim. A repeated message runs after the set, as it would have after the first.
    /// </summary>
    private sealed partial class ClaimSet : BatchedOperation<ClaimRequest, ClaimedNode?>
    {
        public static readonly ClaimSet Instance = new();

        /// <summary>
        /// Adds the dependency output the reader is on (RunId, NodeId, Output, OutputBlob, OutputBytes, FinishedAt, Ports) to
        /// <paramref name="rows"/>, by run and node.
        /// </summary>
        private static void AddDependencyRow(Dictionary<Guid, Dictionary<string, DependencyRow>> rows, System.Data.Common.DbDataReader reader)
        {
            var runId = reader.GetGuid(0);
            if (!rows.TryGetValue(runId, out var ofRun))
            {
                rows[runId] = ofRun = new Dictionary<string, DependencyRow>(StringComparer.Ordinal);
            }

            ofRun[reader.GetString(1)] = new DependencyRow(
                reader.IsDBNull(3) ? StoredJson.Parse(reader.GetNullableString(2)) : null,
                reader.IsDBNull(3) ? null : new BlobReference(runId, reader.GetGuid(3), reader.GetInt64(4)),
                reader.GetNullableInt64(5),
                reader.GetNullableString(6));
        }

        private ClaimSet()
        {
        }

        public override ValueTask<ClaimedNode?> ExecuteOneAsync(SqlSession session, ClaimRequest state, CancellationToken cancellationToken) =>
            TryClaimAndReadAsync(session, state, cancellationToken);

        public override async ValueTask ExecuteManyAsync(SqlSession session, IReadOnlyList<ClaimRequest> states, ClaimedNode?[] results, CancellationToken cancellationToken)
        {
            var firsts = new List<int>(states.Count);
            List<int>? repeats = null;
            var seen = new HashSet<(Guid, string)>();
            for (var i = 0; i < states.Count; i++)
            {
                if (seen.Add((states[i].Message.RunId, states[i].Message.NodeId)))
                {
                    firsts.Add(i);
                }
                else
                {
                    (repeats ??= []).Add(i);
                }
            }

            if (session.Dialect.SupportsUpdateReturning)
            {
                await ClaimReturningAsync(session, states, firsts, results, cancellationToken);
            }
            else if (await TryClaimInOneTripAsync(session, states, firsts, results, cancellationToken) is { } handled)
            {
                // Claimed with their inputs and outputs read: the reads below are for the claims made one by one.
                foreach (var i in repeats ?? [])
                {
                    results[i] = await TryClaimCoreAsync(session, states[i].Core, cancellationToken);
                }

                await ReadInputsAsync(session, states, results, cancellationToken, skip: handled);
                await ReadDependencyOutputsAsync(session, states, results, cancellationToken, skip: handled);
                return;
            }
            else
            {
                for (var first = 0; first < firsts.Count; first += ClaimSetRows)
                {
                    await ClaimByRowsAsync(session, states, firsts.GetRange(first, Math.Min(ClaimSetRows, firsts.Count - first)), results, cancellationToken);
                }
            }

            foreach (var i in repeats ?? [])
            {
                results[i] = await TryClaimCoreAsync(session, states[i].Core, cancellationToken);
            }

            await ReadInputsAsync(session, states, results, cancellationToken);
            await ReadDependencyOutputsAsync(session, states, results, cancellationToken);
        }

        private static async ValueTask ClaimReturningAsync(
            SqlSession s, IReadOnlyList<ClaimRequest> states, List<int> set, ClaimedNode?[] results, CancellationToken ct)
        {
            var index = new Dictionary<(Guid, string), int>(set.Count);
            var runIds = new Guid[set.Count];
            var nodeIds = new string[set.Count];
            var versions = new long[set.Count];
            var leases = new long[set.Count];
            var nows = new long[set.Count];
            var workers = new Guid[set.Count];
            for (var k = 0; k < set.Count; k++)
            {
                var a = states[set[k]];
                index[(a.Message.RunId, a.Message.NodeId)] = set[k];
                (runIds[k], nodeIds[k], versions[k], leases[k], nows[k], workers[k]) =
                    (a.Message.RunId, a.Message.NodeId, a.Message.Version, a.LeaseUntil, a.Now, a.WorkerId);
            }

            var claim = s.Command(ClaimReadyNodesOfSet)
                .Bind("@runIds", runIds).Bind("@nodeIds", nodeIds).Bind("@versions", versions)
                .Bind("@leaseUntils", leases).Bind("@nows", nows).Bind("@workerIds", workers);
            var claimed = new List<(int Index, int Attempt, long? ResumedFrom, int Interruptions, RunStatus RunStatus, Guid OwnerId)>(set.Count);
            await using (var reader = await s.ReaderAsync(claim, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    claimed.Add((index[(reader.GetGuid(0), reader.GetString(1))], reader.GetInt32(2), reader.GetNullableInt64(3), reader.GetInt32(4),
                        StatusNames.RunStatusOf(reader.GetString(5)), reader.GetGuid(6)));
                }
            }

            foreach (var (i, attempt, resumedFrom, interruptions, runStatus, ownerId) in claimed)
            {
                var message = states[i].Message;
                var runStarted = runStatus == RunStatus.Pending
                    && await s.ExecuteAsync(s.Command(StartRun).Bind("@runId", message.RunId).Bind("@now", states[i].Now), ct) == 1;
                results[i] = new ClaimedNode(message.RunId, message.NodeId, message.Version + 1, attempt, null, EmptyOutputs, ToTime(resumedFrom), runStarted)
                {
                    Interruptions = interruptions,
                    OwnerId = ownerId,
                };
            }

            // What the set did not claim is stale, not Ready, of a run that ended, or claimable only by the full claim.
            if (claimed.Count < set.Count)
            {
                var done = claimed.Select(static c => c.Index).ToHashSet();
                foreach (var i in set.Where(i => !done.Contains(i)))
                {
                    results[i] = await TryClaimAnyAsync(s, states[i].Core, ct);
                }
            }
        }

        private static async ValueTask ClaimByRowsAsync(
            SqlSession s, IReadOnlyList<ClaimRequest> states, List<int> set, ClaimedNode?[] results, CancellationToken ct)
        {
            var slots = SlotIndexFor(set.Count);
            var select = s.Command(SelectClaimTargetsOfSet[slots]);
            BindRows(select, states, set, RowSlots[slots], withClaim: false);
            var index = new Dictionary<(Guid, string), int>(set.Count);
            foreach (var i in set)
            {
                index[(states[i].Message.RunId, states[i].Message.NodeId)] = i;
            }

            var targets = new Dictionary<int, ClaimTarget>(set.Count);
            await using (var reader = await s.ReaderAsync(select, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    targets[index[(reader.GetGuid(0), reader.GetString(1))]] = ClaimTarget.Read(reader, 2);
                }
            }

            var ready = new List<int>(set.Count);
            foreach (var i in set)
            {
                if (!targets.TryGetValue(i, out var target))
                {
                    results[i] = null;
                }
                else if (target.Status == NodeStatus.Ready && target.Version == states[i].Message.Version && !target.RunStatus.IsFinal())
                {
                    ready.Add(i);
                }
                else
                {
                    // Not claimable (null), or claimable only as the full claim does it: a timer come due, a lease run out.
                    results[i] = await ClaimTargetAsync(s, states[i].Core, target, ct);
                }
            }

            if (ready.Count == 0)
            {
                return;
            }

            if (ready.Count == 1)
            {
                results[ready[0]] = await ClaimTargetAsync(s, states[ready[0]].Core, targets[ready[0]], ct);
                return;
            }

            slots = SlotIndexFor(ready.Count);
            var claim = s.Command(ClaimReadyNodesOfSetByRows[slots]);
            BindRows(claim, states, ready, RowSlots[slots], withClaim: true);

            // Another transaction claimed or changed one of them since the SELECT: which one the count cannot tell, so the
            // transaction fails and the writer runs its operations again one by one.
            var claimedRows = await s.ExecuteAsync(claim, ct);
            if (claimedRows != ready.Count)
            {
                throw new ClaimSetConflictException(ready.Count, claimedRows);
            }

            foreach (var i in ready)
            {
                var message = states[i].Message;
                var target = targets[i];
                var runStarted = target.RunStatus == RunStatus.Pending
                    && await s.ExecuteAsync(s.Command(StartRun).Bind("@runId", message.RunId).Bind("@now", states[i].Now), ct) == 1;
                results[i] = new ClaimedNode(message.RunId, message.NodeId, message.Version + 1, target.Attempt + 1, null, EmptyOutputs, ToTime(target.ResumedFrom), runStarted)
                {
                    Interruptions = target.Interruptions,
                    OwnerId = target.OwnerId,
                };
            }
        }

        // Binds the rows of a set to a statement of `slots` rows; the slots past the set repeat its first row.
        private static void BindRows(System.Data.Common.DbCommand command, IReadOnlyList<ClaimRequest> states, List<int> set, int slots, bool withClaim)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                var a = states[set[slot < set.Count ? slot : 0]];
                var names = RowParameters[slot];
                command.Bind(names[0], a.Message.RunId).Bind(names[1], a.Message.NodeId);
                if (withClaim)
                {
                    command.Bind(names[2], a.Message.Version).Bind(names[3], a.LeaseUntil).Bind(names[4], a.Now).Bind(names[5], a.WorkerId);
                }
            }
        }

        // The input of every run of the set that no claim of this process holds, in one statement (per 64 runs on MySQL).
        private static async ValueTask ReadInputsAsync(
            SqlSession s, IReadOnlyList<ClaimRequest> states, ClaimedNode?[] results, CancellationToken ct, HashSet<int>? skip = null)
        {
            var inputs = states[0].Inputs;
            var missing = new List<Guid>();
            var held = new Dictionary<Guid, System.Text.Json.JsonElement?>();
            for (var i = 0; i < results.Length; i++)
            {
                if (skip?.Contains(i) == true)
                {
                    continue;
                }

                if (results[i] is { RunInput: null } claimed && !held.ContainsKey(claimed.RunId))
                {
                    if (inputs.TryGet(claimed.RunId, out var input))
                    {
                        held[claimed.RunId] = input;
                    }
                    else if (!missing.Contains(claimed.RunId))
                    {
                        missing.Add(claimed.RunId);
                    }
                }
            }

            for (var first = 0; first < missing.Count; first += ClaimSetRows)
            {
                var runs = missing.GetRange(first, Math.Min(ClaimSetRows, missing.Count - first));
                System.Data.Common.DbCommand select;
                if (s.Dialect is PostgresDialect)
                {
                    select = s.Command(SelectRunInputsOfSet).Bind("@runIds", runs.ToArray());
                }
                else
                {
                    var slots = SlotIndexFor(Math.Max(2, runs.Count));
                    select = s.Command(SelectRunInputsOfSetByRows[slots]);
                    for (var slot = 0; slot < RowSlots[slots]; slot++)
                    {
                        select.Bind(RowParameters[slot][0], runs[slot < runs.Count ? slot : 0]);
                    }
                }

                await using var reader = await s.ReaderAsync(select, ct);
                while (await reader.ReadAsync(ct))
                {
                    var runId = reader.GetGuid(0);
                    held[runId] = inputs.Add(runId, reader.GetNullableString(1));
                }
            }

            for (var i = 0; i < results.Length; i++)
            {
                if (skip?.Contains(i) != true && results[i] is { RunInput: null } claimed && held.TryGetValue(claimed.RunId, out var input))
                {
                    results[i] = claimed with { RunInput = input };
                }
            }
        }

        // The outputs of every claim's dependencies, in one statement (per 64 dependencies on MySQL); a dependency two claims
        // share is read and parsed once.
        private static async ValueTask ReadDependencyOutputsAsync(
            SqlSession s, IReadOnlyList<ClaimRequest> states, ClaimedNode?[] results, CancellationToken ct, HashSet<int>? skip = null)
        {
            var wanted = new List<(Guid RunId, string NodeId)>();
            var seen = new HashSet<(Guid, string)>();
            for (var i = 0; i < results.Length; i++)
            {
                if (skip?.Contains(i) != true && results[i] is { } claimed && states[i].Dependencies.Count > 0 && claimed.DependencyOutputs.Count == 0)
                {
                    foreach (var dependency in states[i].Dependencies)
                    {
                        if (seen.Add((claimed.RunId, dependency)))
                        {
                            wanted.Add((claimed.RunId, dependency));
                        }
                    }
                }
            }

            if (wanted.Count == 0)
            {
                return;
            }

            var rows = new Dictionary<Guid, Dictionary<string, DependencyRow>>();
            var step = s.Dialect is PostgresDialect ? wanted.Count : ClaimSetRows;
            for (var first = 0; first < wanted.Count; first += step)
            {
                var part = wanted.GetRange(first, Math.Min(step, wanted.Count - first));
                System.Data.Common.DbCommand select;
                if (s.Dialect is PostgresDialect)
                {
                    select = s.Command(SelectOutputsOfSet)
                        .Bind("@runIds", part.Select(static w => w.RunId).ToArray())
                        .Bind("@nodeIds", part.Select(static w => w.NodeId).ToArray());
                }
                else
                {
                    var slots = SlotIndexFor(Math.Max(2, part.Count));
                    select = s.Command(SelectOutputsOfSetByRows[slots]);
                    for (var slot = 0; slot < RowSlots[slots]; slot++)
                    {
                        var (runId, nodeId) = part[slot < part.Count ? slot : 0];
                        select.Bind(RowParameters[slot][0], runId).Bind(RowParameters[slot][1], nodeId);
                    }
                }

                await using var reader = await s.ReaderAsync(select, ct);
                while (await reader.ReadAsync(ct))
                {
                    AddDependencyRow(rows, reader);
                }
            }

            var none = new Dictionary<string, DependencyRow>(StringComparer.Ordinal);
            for (var i = 0; i < results.Length; i++)
            {
                if (skip?.Contains(i) != true && results[i] is { } claimed && states[i].Dependencies.Count > 0 && claimed.DependencyOutputs.Count == 0)
                {
                    var read = DependencyOutputsOf(states[i].Dependencies, rows.GetValueOrDefault(claimed.RunId) ?? none);
                    results[i] = claimed with { DependencyOutputs = read.Outputs, BlobOutputs = read.Blobs, DependencyFinishedAt = read.FinishedAt, DependencyPorts = read.Ports };
                }
            }
        }

        private static DateTimeOffset? ToTime(long? micros) => micros is { } value ? UnixMicros.ToTime(value) : null;
    }

    /// <summary>A claim set on MySQL found a node it had read Ready changed before it could claim it: the batch runs again one by one.</summary>
    private sealed class ClaimSetConflictException(int expected, int claimed)
        : Exception($"The claim set expected to claim {expected} nodes and claimed {claimed}: another transaction changed one of them.");
}
