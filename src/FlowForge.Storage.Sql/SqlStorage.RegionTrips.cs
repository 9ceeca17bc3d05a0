using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A region's read on a server database that takes several statements in one (<see cref="SqlDialect.SendsStatementsTogether"/>):
/// the run's row and the region's rows read and locked together. Where no edge leaves the region, the write goes with the
/// read in the same round trip (SqlStorage.RegionInOneTrip.cs); otherwise this read is the write's first round trip.
/// </summary>
public sealed partial class SqlStorage
{
    // SelectRunAndRegionRows[n - 1]: the run's row (locked first, as everywhere), then n nodes' rows: two result sets.
    private static readonly SqlStatement[] SelectRunAndRegionRows = [.. Enumerable.Range(1, RegionRowsPerStatement).Select(static rows => new SqlStatement(
        $"SelectRunAndRegionRows{rows}",
        d => $"{SelectRunForChange!.TextFor(d)};\n{SelectRegionRows![rows - 1].TextFor(d)}") { Prepares = false })];

    private static readonly (string Node, string Attempt, string StartedAt, string FinishedAt, string Error, string Input, string Logs)[] OneTripAttemptParameters =
        [.. Enumerable.Range(0, RegionRowsPerStatement).Select(static i => ($"@aNodeId{i}", $"@aAttempt{i}", $"@aStartedAt{i}", $"@aFinishedAt{i}", $"@aError{i}", $"@aInput{i}", $"@aLogs{i}"))];

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
}
