using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A region's write in two round trips on a server database that takes several statements in one
/// (<see cref="SqlDialect.SendsStatementsTogether"/>): the run's row and the region's rows read and locked together, then,
/// where no edge leaves the region (nothing to resolve in between), the rows finished, their attempts inserted and the run's
/// count lowered with its end read back, together.
/// </summary>
public sealed partial class SqlStorage
{
    // SelectRunAndRegionRows[n - 1]: the run's row (locked first, as everywhere), then n nodes' rows: two result sets.
    private static readonly SqlStatement[] SelectRunAndRegionRows = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"SelectRunAndRegionRows{rows}",
        d => $"{SelectRunForChange!.TextFor(d)};\n{SelectRegionRows![rows - 1].TextFor(d)}") { Prepares = false })];

    // FinishRegionInOneTrip[n - 1, a]: n rows finished (the first the claimed one), a attempts, the run's count lowered.
    private static readonly SqlStatement?[,] FinishRegionInOneTrip = new SqlStatement?[RegionRowsPerStatement, RegionRowsPerStatement + 1];

    private static readonly (string Node, string Attempt, string StartedAt, string FinishedAt, string Error, string Input, string Logs)[] OneTripAttemptParameters =
        [.. Enumerable.Range(0, RegionRowsPerStatement).Select(static i => ($"@aNodeId{i}", $"@aAttempt{i}", $"@aStartedAt{i}", $"@aFinishedAt{i}", $"@aError{i}", $"@aInput{i}", $"@aLogs{i}"))];

    private static SqlStatement FinishRegionInOneTripStatement(int rows, int attempts)
    {
        if (Volatile.Read(ref FinishRegionInOneTrip[rows - 1, attempts]) is { } made)
        {
            return made;
        }

        lock (StartStatementsLock)
        {
            return FinishRegionInOneTrip[rows - 1, attempts] ??= new SqlStatement($"FinishRegionInOneTrip{rows}x{attempts}", d =>
            {
                var attemptRows = attempts == 0 ? "" : $"""
                    INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
                    VALUES {RegionList(attempts, static i => $"(@runId, @aNodeId{i}, @aAttempt{i}, 'Succeeded', @aStartedAt{i}, @aFinishedAt{i}, NULL, @aError{i}, @aInput{i}, @aLogs{i})")};

                    """;
                var countDown = d.SupportsUpdateReturning ? CountDownRemainingNodesReturning : CountDownRemainingNodesAndRead;
                return $"{FinishRegionText(rows, withFirst: true)};\n{attemptRows}{countDown.TextFor(d)}";
            })
            {
                Prepares = false,
            };
        }
    }

    /// <summary>True when a node of the region has an edge to a node outside it (the write resolves those one by one).</summary>
    private static bool HasEdgesOutside(ExecutionPlan plan, NodeCompletion[] completions, Dictionary<string, int> index)
    {
        foreach (var completion in completions)
        {
            foreach (var edge in plan[completion.NodeId].Children)
            {
                if (!index.ContainsKey(edge.Target))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The region's rows finished, their attempts inserted and the run's count lowered, in one command; the run's end
    /// when this write ended it. As <see cref="FinishRegionRowsAsync"/>, a row that did not take its finish is a broken
    /// invariant (the rows were read and locked by this transaction).
    /// </summary>
    private static async ValueTask<RunStatus?> FinishRegionInOneTripAsync(
        SqlSession s, RunRow run, NodeCompletion[] completions, long[] versions, long[] readyAt, int[] active, ChainClaim claim, long at, CancellationToken ct)
    {
        var rows = completions.Length;
        var recorded = completions.Where(static c => c.Attempt > 0).ToList();
        var command = s.Command(FinishRegionInOneTripStatement(rows, recorded.Count))
            .Bind("@runId", run.Id)
            .Bind("@workerId", claim.WorkerId)
            .Bind("@finished", rows)
            .Bind("@at", at);
        for (var i = 0; i < rows; i++)
        {
            BindRegionRow(command, i, i, completions, versions, readyAt, active);
        }

        for (var r = 0; r < recorded.Count; r++)
        {
            BindRegionAttempt(command, OneTripAttemptParameters[r], recorded[r]);
        }

        string? status = null;
        int written;
        await using (var reader = await s.ReaderAsync(command, ct))
        {
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    status = reader.GetString(0);
                }
            }
            while (await reader.NextResultAsync(ct));
            written = reader.RecordsAffected;
        }

        // Every row finished, every attempt inserted, the run's row counted down.
        if (written != rows + recorded.Count + 1)
        {
            throw new InvalidOperationException(
                $"The region write of run {run.Id} changed {written} rows for {rows} nodes, {recorded.Count} attempts and the run.");
        }

        return run.Status == RunStatus.Running && status == "Succeeded" ? RunStatus.Succeeded : null;
    }
}
