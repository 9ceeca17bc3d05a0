using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A pure region's write with one statement per kind for all its nodes (docs/adr/0005-pure-nodes.md, "How a region is
/// written"): the rows of its nodes read and locked in one statement, all of them finished in one multi-row UPDATE, their
/// attempts in one multi-row INSERT, the run's remaining count lowered once. It applies when the rows read show the write
/// would go through one completion after another without stopping; otherwise nothing is written here and the region is
/// recorded one completion after another (<see cref="CompleteRegionAsync"/>), which decides where it stops.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Rows one statement of a region's write reads, finishes or inserts at most; a larger region takes several.</summary>
    internal const int RegionRowsPerStatement = 16;

    // SelectRegionRows[n - 1] reads n nodes of a run, locked for the rest of the transaction where writers are concurrent.
    private static readonly SqlStatement[] SelectRegionRows = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"SelectRegionRows{rows}",
        d => $"""
            SELECT NodeId, Status, Version, PendingParents, ActiveParents, Attempt, Interruptions, ResumedFrom
            FROM NodeInstances WHERE RunId = @runId AND NodeId IN ({RegionList(rows, static i => $"@nodeId{i}")}){d.ForUpdate}
            """))];

    // FinishRegionRowsWithFirst[n - 1]: the region's first node (@nodeId0, Running under the worker's claim) and n - 1 nodes
    // after it (Pending rows whose edges all come from earlier completions of the write); FinishRegionRows[n - 1]: n such
    // Pending rows. A Pending row ends as the completions one after another leave it: its edges resolved (Ready at
    // @readyAt), claimed as attempt 1 by the region's worker (started at @startedAt), then finished: three versions later.
    private static readonly SqlStatement[] FinishRegionRowsWithFirst = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"FinishRegionRowsWithFirst{rows}", FinishRegionText(rows, withFirst: true)))];

    private static readonly SqlStatement[] FinishRegionRows = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"FinishRegionRows{rows}", FinishRegionText(rows, withFirst: false)))];

    private static readonly SqlStatement[] InsertRegionAttempts = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"InsertRegionAttempts{rows}",
        $"""
        INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
        VALUES {RegionList(rows, static i => $"(@runId, @nodeId{i}, @attempt{i}, 'Succeeded', @startedAt{i}, @finishedAt{i}, NULL, @error{i}, @inputJson{i}, @logs{i})")}
        """))];

    private static readonly (string Node, string Version, string NewVersion, string Output, string Ports, string FinishedAt, string ReadyAt, string Active, string StartedAt)[] RegionRowParameters =
        [.. Enumerable.Range(0, RegionRowsPerStatement).Select(static i => ($"@nodeId{i}", $"@version{i}", $"@newVersion{i}", $"@output{i}", $"@ports{i}", $"@finishedAt{i}", $"@readyAt{i}", $"@activeParents{i}", $"@startedAt{i}"))];

    private static readonly (string Node, string Attempt, string StartedAt, string FinishedAt, string Error, string Input, string Logs)[] RegionAttemptParameters =
        [.. Enumerable.Range(0, RegionRowsPerStatement).Select(static i => ($"@nodeId{i}", $"@attempt{i}", $"@startedAt{i}", $"@finishedAt{i}", $"@error{i}", $"@inputJson{i}", $"@logs{i}"))];

    /// <summary>
    /// The region written set-based, or null (nothing written) when it must be recorded one completion after another:
    /// a completion that is not an inline success, a run that is not Running, a node after the first that is not Pending
    /// as its first attempt with exactly the earlier completions' edges left to resolve (or that they would skip).
    /// </summary>
    private static async ValueTask<CompletionResult?> TryCompleteRegionAsSetAsync(
        SqlSession s, NodeCompletion last, ExecutionPlan plan, ChainClaim? regionClaim, CancellationToken ct)
    {
        if (RegionWrite.Of(last, plan, regionClaim) is not { } region)
        {
            return null;
        }

        var (completions, index, active, readyAt, count) = (region.Completions, region.Index, region.Active, region.ReadyAt, region.Completions.Length);

        // On PostgreSQL, where nothing is to be resolved between the rows' write and the run's count, the read and the write
        // go together, the write guarded by what the read must show. (On MariaDB the guarded text, substituted client-side
        // and parsed whole on every execution, cost more CPU than the round trip it saved: there the write follows the read.)
        if (s.Dialect.GuardsRegionWriteInOneTrip && count <= RegionRowsPerStatement && !HasEdgesOutside(plan, completions, index))
        {
            return await TryCompleteRegionInOneTripAsync(s, completions, index, region.Edges, active, readyAt, region.Claim, UnixMicros.From(last.At), ct);
        }

        // Where the server takes several statements in one round trip, the run's row is read with the first rows.
        var togetherWithRun = s.Dialect.SendsStatementsTogether;
        RunRow? run = null;
        if (!togetherWithRun)
        {
            run = await ReadRunForChangeAsync(s, last.RunId, ct);
            if (run is not { Status: RunStatus.Running })
            {
                return null;
            }
        }

        var versions = region.Versions;
        for (var offset = 0; offset < count; offset += RegionRowsPerStatement)
        {
            var rows = Math.Min(RegionRowsPerStatement, count - offset);
            var withRun = offset == 0 && togetherWithRun;
            var select = s.Command(withRun ? SelectRunAndRegionRows[rows - 1] : SelectRegionRows[rows - 1]).Bind("@runId", last.RunId);
            for (var r = 0; r < rows; r++)
            {
                select.Bind(RegionRowParameters[r].Node, completions[offset + r].NodeId);
            }

            await using var reader = await s.ReaderAsync(select, ct);
            if (withRun)
            {
                run = await reader.ReadAsync(ct) ? RunRowOf(reader, last.RunId) : null;
                if (run is not { Status: RunStatus.Running } || !await reader.NextResultAsync(ct))
                {
                    return null;
                }
            }

            while (await reader.ReadAsync(ct))
            {
                switch (region.Read(reader, 0))
                {
                    case RegionRow.Stale:
                        // As the first completion's guarded finish would find it: another claim holds the node now.
                        return CompletionResult.Stale;
                    case RegionRow.OneByOne:
                        return null;
                }
            }
        }

        switch (region.Verdict())
        {
            case RegionRow.Stale:
                return CompletionResult.Stale;
            case RegionRow.OneByOne:
                return null;
        }

        var lastAt = UnixMicros.From(last.At);
        if (s.Dialect.SendsStatementsTogether && count <= RegionRowsPerStatement && !HasEdgesOutside(plan, completions, index))
        {
            // Nothing to resolve between the rows' write and the run's count: one round trip for all of it.
            var ended = await FinishRegionInOneTripAsync(s, run!, completions, versions, readyAt, active, region.Claim, lastAt, ct);
            var succeeded = new List<NodeStateChange>(count);
            succeeded.AddRange(completions.Select(static c => new NodeStateChange(c.NodeId, NodeStatus.Succeeded)));
            var woken = new List<OutboxMessage>();
            if (ended is not null)
            {
                await WakeParentAsync(s, run!, lastAt, woken, ct);
            }

            return new CompletionResult(true, woken, succeeded, ended);
        }

        await FinishRegionRowsAsync(s, run!.Id, completions, versions, readyAt, active, region.Claim, ct);
        await InsertRegionAttemptsAsync(s, run.Id, completions, ct);

        // The edges to nodes outside the region, completion by completion, as the store resolves single completions.
        var request = last.ClaimChild;
        var slot = new ChildClaimSlot(request is { NodeId: not null } ? request : null);
        var messages = new List<OutboxMessage>();
        var changes = new List<NodeStateChange>();
        var skipped = 0;
        for (var i = 0; i < count; i++)
        {
            var completion = completions[i];
            if (i == count - 1 && request is { NodeId: null })
            {
                slot.Request = request;
            }

            changes.Add(new NodeStateChange(completion.NodeId, NodeStatus.Succeeded));
            var claimedBefore = slot.Claimed;
            var at = UnixMicros.From(completion.At);
            skipped += await ResolveChildrenAsync(s, run, plan, completion.NodeId, completion.FiredPorts, at, messages, changes, slot, index, ct);
            if (slot.Claimed is not null && claimedBefore is null)
            {
                slot.ClaimedBy = (completion, PortList.Encode(completion.FiredPorts), at);
            }
        }

        var finished = await CountDownAsync(s, run, count + skipped, lastAt, ct);
        if (finished is not null)
        {
            await WakeParentAsync(s, run, lastAt, messages, ct);
        }

        ClaimedNode? claimed = null;
        if (slot is { Claimed: { } child, ClaimedBy: { } by })
        {
            claimed = await WithChainedInputsAsync(s, plan, by.Completion, by.Ports, by.At, child, null, ct);
        }

        return new CompletionResult(true, messages, changes, finished) { ClaimedChild = claimed };
    }

    /// <summary>
    /// Binds the finish of the region's node <paramref name="i"/> as row <paramref name="row"/> of a statement: its first
    /// node was claimed (one version on), the others made Ready, claimed and finished in it (three on).
    /// </summary>
    private static void BindRegionRow(
        System.Data.Common.DbCommand command, int row, int i, NodeCompletion[] completions, long[] versions, long[] readyAt, int[] active) =>
        BindRegionRow(command, RegionRowParameters[row], i, completions, versions, readyAt, active);

    /// <summary>As <see cref="BindRegionRow(System.Data.Common.DbCommand, int, int, NodeCompletion[], long[], long[], int[])"/>, under the given names.</summary>
    private static void BindRegionRow(
        System.Data.Common.DbCommand command,
        (string Node, string Version, string NewVersion, string Output, string Ports, string FinishedAt, string ReadyAt, string Active, string StartedAt) names,
        int i, NodeCompletion[] completions, long[] versions, long[] readyAt, int[] active)
    {
        var completion = completions[i];
        command.Bind(names.Node, completion.NodeId)
            .Bind(names.Version, versions[i])
            .Bind(names.NewVersion, versions[i] + (i == 0 ? 1 : 3))
            .Bind(names.Output, completion.OutputJson)
            .Bind(names.Ports, PortList.Encode(completion.FiredPorts))
            .Bind(names.FinishedAt, UnixMicros.From(completion.At));
        if (i > 0)
        {
            command.Bind(names.ReadyAt, readyAt[i])
                .Bind(names.Active, active[i])
                .Bind(names.StartedAt, UnixMicros.From(completion.AttemptStartedAt ?? completion.At));
        }
    }

    /// <summary>Binds the attempt a region's node recorded under the parameter names of its row.</summary>
    private static void BindRegionAttempt(
        System.Data.Common.DbCommand command,
        (string Node, string Attempt, string StartedAt, string FinishedAt, string Error, string Input, string Logs) names,
        NodeCompletion completion) =>
        command.Bind(names.Node, completion.NodeId)
            .Bind(names.Attempt, completion.Attempt)
            .Bind(names.StartedAt, UnixMicros.From(completion.AttemptStartedAt))
            .Bind(names.FinishedAt, UnixMicros.From(completion.At))
            .Bind(names.Error, completion.Error)
            .Bind(names.Input, completion.InputJson)
            .Bind(names.Logs, completion.Logs);

    private static async ValueTask FinishRegionRowsAsync(
        SqlSession s, Guid runId, NodeCompletion[] completions, long[] versions, long[] readyAt, int[] active, ChainClaim claim, CancellationToken ct)
    {
        for (var offset = 0; offset < completions.Length; offset += RegionRowsPerStatement)
        {
            var rows = Math.Min(RegionRowsPerStatement, completions.Length - offset);
            var finish = s.Command(offset == 0 ? FinishRegionRowsWithFirst[rows - 1] : FinishRegionRows[rows - 1])
                .Bind("@runId", runId)
                .Bind("@workerId", claim.WorkerId);
            for (var r = 0; r < rows; r++)
            {
                BindRegionRow(finish, r, offset + r, completions, versions, readyAt, active);
            }

            var written = await s.ExecuteAsync(finish, ct);
            if (written != rows)
            {
                // The rows were read (and locked) by this transaction: another change in between is a broken invariant.
                throw new InvalidOperationException(
                    $"The region write of run {runId} finished {written} of {rows} nodes whose rows it had just read.");
            }
        }
    }

    private static async ValueTask InsertRegionAttemptsAsync(SqlSession s, Guid runId, NodeCompletion[] completions, CancellationToken ct)
    {
        // A completion without an attempt number records none, as a single completion would.
        var recorded = completions.Where(static c => c.Attempt > 0).ToList();
        for (var offset = 0; offset < recorded.Count; offset += RegionRowsPerStatement)
        {
            var rows = Math.Min(RegionRowsPerStatement, recorded.Count - offset);
            var insert = s.Command(InsertRegionAttempts[rows - 1]).Bind("@runId", runId);
            for (var r = 0; r < rows; r++)
            {
                BindRegionAttempt(insert, RegionAttemptParameters[r], recorded[offset + r]);
            }

            await s.ExecuteAsync(insert, ct);
        }
    }

    // One CASE per column keyed by NodeId: the same text on SQLite, PostgreSQL and MySQL (which has no UPDATE … FROM).
    // No right-hand side reads a column another one sets, so MySQL's left-to-right assignment changes nothing.
    private static string FinishRegionText(int rows, bool withFirst) => $"""
        UPDATE NodeInstances
        SET {string.Join(",\n    ", FinishRegionColumns(rows, withFirst).Select(static c => $"{c.Column} = {c.Value}"))}
        WHERE {FinishRegionWhere(rows)}
        """;

    /// <summary>The columns a region's finish sets and the value of each, named by the parameters of one region.</summary>
    private static (string Column, string Value)[] FinishRegionColumns(int rows, bool withFirst)
    {
        var first = withFirst ? 1 : 0;
        string Each(Func<int, string> row) => string.Join(" ", Enumerable.Range(0, rows).Select(row));
        string Later(Func<int, string> row) => string.Join(" ", Enumerable.Range(first, rows - first).Select(row));
        string OnlyLater(string column, string value) => withFirst ? $"CASE NodeId WHEN @nodeId0 THEN {column} ELSE {value} END" : value;
        string LaterOr(string column, Func<int, string> row) => rows > first ? $"CASE NodeId {Later(row)} ELSE {column} END" : column;
        return
        [
            ("Status", "'Succeeded'"),
            ("Output", $"CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @output{i}")} END"),
            ("OutputBlob", "NULL"),
            ("OutputBytes", "NULL"),
            ("Error", "NULL"),
            ("Ports", $"CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @ports{i}")} END"),
            ("FinishedAt", $"CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @finishedAt{i}")} END"),
            ("Version", $"CASE NodeId {Each(static i => $"WHEN @nodeId{i} THEN @newVersion{i}")} END"),
            ("LeaseUntil", "NULL"),
            ("WaitUntil", "NULL"),
            ("PendingParents", OnlyLater("PendingParents", "0")),
            ("ActiveParents", LaterOr("ActiveParents", static i => $"WHEN @nodeId{i} THEN @activeParents{i}")),
            ("ReadyAt", LaterOr("ReadyAt", static i => $"WHEN @nodeId{i} THEN @readyAt{i}")),
            ("StartedAt", LaterOr("StartedAt", static i => $"WHEN @nodeId{i} THEN COALESCE(StartedAt, @startedAt{i})")),
            ("Attempt", OnlyLater("Attempt", "1")),
            ("WaitKind", OnlyLater("WaitKind", "NULL")),
            ("WorkerId", OnlyLater("WorkerId", "@workerId")),
        ];
    }

    /// <summary>The rows of one region's finish: its run's, each at the version it was read at.</summary>
    private static string FinishRegionWhere(int rows) =>
        $"RunId = @runId AND NodeId IN ({RegionList(rows, static i => $"@nodeId{i}")}) AND Version = CASE NodeId {string.Join(" ", Enumerable.Range(0, rows).Select(static i => $"WHEN @nodeId{i} THEN @version{i}"))} END";

    private static string RegionList(int rows, Func<int, string> row) => string.Join(", ", Enumerable.Range(0, rows).Select(row));
}
