using System.Globalization;
using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;

namespace FlowForge.Server.Cli;

/// <summary>
/// Per-node progress of one run. On a terminal the table is redrawn in place; otherwise (pipes, CI logs)
/// each change is printed as a line.
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, ExecutionPlan plan, bool interactive)
{
    private readonly Dictionary<string, (NodeStatus Status, string? Error, TimeSpan At)> _nodes =
        plan.Nodes.ToDictionary(n => n.Id, _ => (NodeStatus.Pending, (string?)null, TimeSpan.Zero), StringComparer.Ordinal);

    private readonly int _width = plan.Nodes.Max(n => n.Id.Length);
    private bool _drawn;

    public async Task ApplyAsync(RunEvent change, TimeSpan elapsed)
    {
        if (change is not NodeStatusChanged node || !_nodes.ContainsKey(node.NodeId))
        {
            return;
        }

        _nodes[node.NodeId] = (node.Status, node.Error, elapsed);
        if (interactive)
        {
            await RedrawAsync();
        }
        else
        {
            await output.WriteLineAsync(Line(node.NodeId));
        }
    }

    public async Task SummaryAsync(RunView run, TimeSpan elapsed)
    {
        foreach (var node in run.Nodes)
        {
            _nodes[node.NodeId] = (node.Status, node.Error, _nodes.TryGetValue(node.NodeId, out var seen) ? seen.At : elapsed);
        }

        if (interactive)
        {
            await RedrawAsync();
        }

        await output.WriteLineAsync($"Run {run.Status} in {elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        var sinks = plan.Nodes.Where(n => n.Children.Count == 0).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var node in run.Nodes.Where(n => sinks.Contains(n.NodeId) && n.OutputJson is not null))
        {
            await output.WriteLineAsync($"Output of '{node.NodeId}': {JsonSerializer.Serialize(JsonPolicy.ParseStoredElement(node.OutputJson!))}");
        }
    }

    private async Task RedrawAsync()
    {
        if (_drawn)
        {
            await output.WriteAsync($"\u001b[{_nodes.Count}A");
        }

        foreach (var node in plan.Nodes)
        {
            await output.WriteLineAsync("\u001b[2K" + Line(node.Id));
        }

        _drawn = true;
    }

    private string Line(string nodeId)
    {
        var (status, error, at) = _nodes[nodeId];
        var mark = status switch
        {
            NodeStatus.Succeeded => "ok ",
            NodeStatus.Failed => "ERR",
            NodeStatus.Running => "...",
            NodeStatus.Ready => " > ",
            NodeStatus.Skipped or NodeStatus.Cancelled => " - ",
            _ => "   ",
        };
        var time = status == NodeStatus.Pending ? "" : $"{at.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),6} ms";
        return $"  [{mark}] {nodeId.PadRight(_width)}  {status,-9} {time}{(error is null ? "" : "  " + error)}";
    }
}
