using FlowForge.Engine.Expressions;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Policies;

namespace FlowForge.Engine.Graphs;

/// <summary>Turns a validated flow document into the <see cref="ExecutionPlan"/> the engine runs.</summary>
public static class PlanCompiler
{
    // The validator has held the policies to the configured limits already; compiling only reads them.
    private static readonly FlowLimits Unbounded = new()
    {
        MaxRetryAttempts = int.MaxValue,
        MaxRetryDelayMs = 1_000_000_000_000,
        MaxTimeoutMs = 1_000_000_000_000,
    };

    /// <summary>
    /// Compiles <paramref name="validDocument"/>, which must have passed <see cref="GraphValidator"/>.
    /// Throws <see cref="InvalidOperationException"/> when it has a cycle or no start node.
    /// </summary>
    public static ExecutionPlan Compile(FlowDocument validDocument, Guid flowId, int version, long estimatedBytes = 0)
    {
        var graph = new FlowGraph(validDocument);
        var nodes = validDocument.Nodes;
        var edges = validDocument.Edges;
        if (graph.IndexById.Count != nodes.Count)
        {
            throw new InvalidOperationException("The flow repeats a node id; validate it before compiling.");
        }

        var order = graph.TopologicalOrder();
        if (order.Count != nodes.Count)
        {
            throw new InvalidOperationException("The flow has a cycle; validate it before compiling.");
        }

        // For each node, the ports of each parent that have an edge into it: a parent counts as having reached
        // the node only when it fired one of them.
        var incoming = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            if (!incoming.TryGetValue(edge.Target, out var byParent))
            {
                incoming[edge.Target] = byParent = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            }

            if (!byParent.TryGetValue(edge.Source, out var ports))
            {
                byParent[edge.Source] = ports = [];
            }

            var port = edge.SourceHandle ?? NodePorts.Main;
            if (!ports.Contains(port, StringComparer.Ordinal))
            {
                ports.Add(port);
            }
        }

        var planNodes = new List<PlanNode>(nodes.Count);
        foreach (var index in order)
        {
            var node = nodes[index];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var parents = new List<string>();
            foreach (var parent in graph.Predecessors(index))
            {
                if (seen.Add(nodes[parent].Id))
                {
                    parents.Add(nodes[parent].Id);
                }
            }

            var children = new List<PlanEdge>();
            foreach (var edgeIndex in graph.OutgoingEdges(index))
            {
                var edge = edges[edgeIndex];
                children.Add(new PlanEdge(edge.Id, edge.SourceHandle ?? NodePorts.Main, edge.Target));
            }

            var dependencies = new List<string>(parents);
            foreach (var referenced in ExpressionResolver.ReferencedNodes(node.Config))
            {
                if (seen.Add(referenced))
                {
                    dependencies.Add(referenced);
                }
            }

            // In a valid flow every node but the triggers is reachable from one, so has a parent:
            // the triggers are exactly the nodes without incoming edges, and the plan needs no registry.
            var isTrigger = graph.InDegree(index) == 0;

            // The plan is shared by every run of this version; it owns its own copy of the config.
            planNodes.Add(new PlanNode(node.Id, node.Type, node.Config?.DeepClone(), isTrigger, parents, children, dependencies)
            {
                JoinCount = graph.InDegree(index),
                ParentPorts = incoming.TryGetValue(node.Id, out var parentPorts)
                    ? parentPorts.ToDictionary(p => p.Key, IReadOnlyList<string> (p) => p.Value, StringComparer.Ordinal)
                    : PlanNode.NoParentPorts,
                Policies = NodePolicies.Read(node.Data, Unbounded, []),
            });
        }

        if (!planNodes.Any(n => n.IsTrigger))
        {
            throw new InvalidOperationException("The flow must have a node without incoming edges (a trigger); validate it before compiling.");
        }

        return new ExecutionPlan(flowId, version, planNodes, estimatedBytes);
    }
}
