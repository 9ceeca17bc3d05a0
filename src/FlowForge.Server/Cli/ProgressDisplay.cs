using System.Globalization;
using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using Spectre.Console;

namespace FlowForge.Server.Cli;

/// <summary>
/// Per-node progress of one run, one row per node. On a terminal it is a table redrawn in place (<see cref="LiveAsync"/>);
/// otherwise (pipes, CI logs) each node gets one plain line when it settles, so a log reads like the table.
/// </summary>
internal sealed class ProgressDisplay(ExecutionPlan plan)
{
    private const int ErrorWidth = 80;

    private readonly Dictionary<string, (NodeStatus Status, string? Error, TimeSpan At)> _nodes =
        plan.Nodes.ToDictionary(n => n.Id, _ => (NodeStatus.Pending, (string?)null, TimeSpan.Zero), StringComparer.Ordinal);

    private readonly int _width = plan.Nodes.Max(n => n.Id.Length);

    private readonly HashSet<string> _printed = new(StringComparer.Ordinal);

    /// <summary>Records a change; returns the node whose status changed, or null when nothing shown changed (repeats, run events).</summary>
    public string? Apply(RunEvent change, TimeSpan elapsed)
    {
        if (change is not NodeStatusChanged node || !_nodes.TryGetValue(node.NodeId, out var seen))
        {
            return null;
        }

        if (seen.Status == node.Status && seen.Error == node.Error)
        {
            return null;
        }

        _nodes[node.NodeId] = (node.Status, node.Error, elapsed);
        return node.NodeId;
    }

    /// <summary>Takes the stored final state of every node (events may have been missed or coalesced).</summary>
    public IReadOnlyList<string> ApplyFinal(RunView run, TimeSpan elapsed)
    {
        var changed = new List<string>();
        foreach (var node in run.Nodes)
        {
            if (_nodes.TryGetValue(node.NodeId, out var seen) && (seen.Status != node.Status || seen.Error != node.Error))
            {
                _nodes[node.NodeId] = (node.Status, node.Error, seen.Status == NodeStatus.Pending ? elapsed : seen.At);
                changed.Add(node.NodeId);
            }
        }

        return changed;
    }

    /// <summary>The node's plain line the first time it has settled (succeeded, failed, skipped, cancelled); otherwise null.</summary>
    public string? SettledLine(string nodeId) =>
        _nodes[nodeId].Status.IsFinal() && _printed.Add(nodeId) ? Line(nodeId) : null;

    /// <summary>The plain lines of the nodes not printed yet (those the run never reached), in plan order.</summary>
    public IEnumerable<string> RemainingLines() =>
        plan.Nodes.Where(n => _printed.Add(n.Id)).Select(n => Line(n.Id));

    private string Line(string nodeId)
    {
        var (status, error, at) = _nodes[nodeId];
        var time = status == NodeStatus.Pending ? "" : $"{Milliseconds(at),6} ms";
        return $"  {nodeId.PadRight(_width)}  {status,-9} {time}{(error is null ? "" : "  " + error)}".TrimEnd();
    }

    /// <summary>The table of every node in plan order.</summary>
    public Table Table()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Node").AddColumn("Type").AddColumn("Status").AddColumn(new TableColumn("Time").RightAligned()).AddColumn("Error");
        foreach (var node in plan.Nodes)
        {
            var (status, error, at) = _nodes[node.Id];
            table.AddRow(
                new Text(node.Id),
                new Text(node.Type, new Style(Color.Grey)),
                new Text(status.ToString(), StatusStyle(status)),
                new Text(status == NodeStatus.Pending ? "" : Milliseconds(at) + " ms"),
                new Text(Shorten(error), new Style(Color.Red)));
        }

        return table;
    }

    /// <summary>Draws the table on <paramref name="console"/> and redraws it in place after each change that <paramref name="run"/> applies.</summary>
    public Task LiveAsync(IAnsiConsole console, Func<Action, Task> run) =>
        console.Live(Table()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(context => run(() =>
        {
            context.UpdateTarget(Table());
            context.Refresh();
        }));

    public static async Task WriteSummaryAsync(TextWriter output, ExecutionPlan plan, RunView run, TimeSpan elapsed)
    {
        await output.WriteLineAsync($"Run {run.Status} in {Milliseconds(elapsed)} ms");
        var sinks = plan.Nodes.Where(n => n.Children.Count == 0).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var node in run.Nodes.Where(n => sinks.Contains(n.NodeId) && n.OutputJson is not null))
        {
            await output.WriteLineAsync($"Output of '{node.NodeId}': {JsonSerializer.Serialize(JsonPolicy.ParseStoredElement(node.OutputJson!))}");
        }
    }

    private static Style StatusStyle(NodeStatus status) => status switch
    {
        NodeStatus.Succeeded => new Style(Color.Green),
        NodeStatus.Failed => new Style(Color.Red, decoration: Decoration.Bold),
        NodeStatus.Running => new Style(Color.Yellow),
        NodeStatus.Ready => new Style(Color.Blue),
        _ => new Style(Color.Grey),
    };

    private static string Shorten(string? error) =>
        error is null ? "" : error.Length <= ErrorWidth ? error : string.Concat(error.AsSpan(0, ErrorWidth - 1), "…");

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
