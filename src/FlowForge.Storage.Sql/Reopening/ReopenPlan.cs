using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql.Reopening;

/// <summary>
/// Decides, in topological order, what reopening a Failed or Cancelled run does to each node. Succeeded nodes and nodes
/// that failed through their error port keep their results and the ports they fired. Failed and Cancelled nodes, a
/// Running node whose lease has ended (its worker is gone) and every Skipped node with a parent decided here again are
/// decided again: their join counters are counted afresh from the edges of the nodes before them, and each becomes
/// Ready (the trigger, or every edge resolved with one taken), Pending (edges still to come) or Skipped (every edge
/// resolved, none taken). Edges and statuses are what a run of the flow from its start would have given them.
/// </summary>
internal sealed class ReopenPlan
{
    public ReopenPlan(ExecutionPlan plan, IReadOnlyDictionary<string, ReopenRow> rows, long now)
    {
        // The ports of every node that is final after reopening; null when they were not recorded.
        var final = new Dictionary<string, string?>(plan.Nodes.Count, StringComparer.Ordinal);
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var parsedPorts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var node in plan.Nodes)
        {
            if (!rows.TryGetValue(node.Id, out var row))
            {
                throw new InvalidDataException($"Node '{node.Id}' of the plan has no instance in the run.");
            }

            var decideAgain = row.Status switch
            {
                NodeStatus.Succeeded => false,
                NodeStatus.Failed => row.Ports is null,
                NodeStatus.Skipped => node.Parents.Any(decided.Contains),
                NodeStatus.Running when row.WaitUntil is null && row.LeaseUntil is { } lease && lease >= now => Refuse(ReopenOutcome.NodeStillExecuting, node.Id),
                _ => true,
            };
            if (Refusal is not null)
            {
                return;
            }

            if (!decideAgain)
            {
                final[node.Id] = row.Status == NodeStatus.Skipped ? "[]" : row.Ports;
                continue;
            }

            decided.Add(node.Id);
            var pending = 0;
            var active = 0;
            foreach (var parentId in node.Parents.Distinct(StringComparer.Ordinal))
            {
                foreach (var edge in plan[parentId].Children)
                {
                    if (!string.Equals(edge.Target, node.Id, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!final.TryGetValue(parentId, out var ports))
                    {
                        pending++;
                        continue;
                    }

                    if (ports is null)
                    {
                        Refuse(ReopenOutcome.NotRecorded, parentId);
                        return;
                    }

                    if (!parsedPorts.TryGetValue(parentId, out var fired))
                    {
                        fired = PortList.Decode(ports);
                        parsedPorts[parentId] = fired;
                    }

                    if (fired.Contains(edge.Port, StringComparer.Ordinal))
                    {
                        active++;
                    }
                }
            }

            NodeStatus status;
            if (node.IsTrigger || (pending == 0 && active > 0))
            {
                status = NodeStatus.Ready;
            }
            else if (pending > 0)
            {
                status = NodeStatus.Pending;
            }
            else
            {
                status = NodeStatus.Skipped;
                final[node.Id] = "[]";
            }

            if (status != NodeStatus.Skipped)
            {
                Remaining++;
            }

            Reopened.Add((node.Id, new ReopenedNode(status, pending, active)));
        }
    }

    /// <summary>The nodes decided again with their new state, parents before children.</summary>
    public List<(string NodeId, ReopenedNode State)> Reopened { get; } = [];

    /// <summary>Nodes left to finish once reopened: the run's new count of remaining nodes.</summary>
    public int Remaining { get; private set; }

    /// <summary>Set when the run cannot be reopened; then nothing else is meaningful.</summary>
    public ReopenRefusal? Refusal { get; private set; }

    private bool Refuse(ReopenOutcome outcome, string nodeId)
    {
        Refusal = new ReopenRefusal(outcome, nodeId);
        return false;
    }
}
