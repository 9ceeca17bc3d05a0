using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// A flow version compiled for execution: nodes in topological order with their parents, children
/// and join counts. Immutable and shared by every run of that version (held in an <see cref="IPlanCache"/>).
/// </summary>
public sealed class ExecutionPlan
{
    private readonly Dictionary<string, PlanNode> _byId;

    public ExecutionPlan(Guid flowId, int version, IReadOnlyList<PlanNode> nodesInTopologicalOrder, long estimatedBytes = 0)
    {
        FlowId = flowId;
        EstimatedBytes = estimatedBytes;
        Version = version;
        Nodes = nodesInTopologicalOrder;
        _byId = nodesInTopologicalOrder.ToDictionary(n => n.Id, StringComparer.Ordinal);
        Triggers = [.. nodesInTopologicalOrder.Where(n => n.IsTrigger)];
        Trigger = Triggers.Count > 0 ? Triggers[0] : throw new ArgumentException("A plan needs at least one trigger.", nameof(nodesInTopologicalOrder));
    }

    public Guid FlowId { get; }

    public int Version { get; }

    /// <summary>All nodes, parents always before children.</summary>
    public IReadOnlyList<PlanNode> Nodes { get; }

    /// <summary>The first trigger; a flow with several starts each run at the one the run names (<see cref="Storage.NewRun.TriggerNodeId"/>).</summary>
    public PlanNode Trigger { get; }

    /// <summary>Every trigger (node without parents), in topological order; a run starts at one and skips the others.</summary>
    public IReadOnlyList<PlanNode> Triggers { get; }

    /// <summary>Roughly the memory this plan holds (from its flow's JSON length); the plan cache is bounded by the sum.</summary>
    public long EstimatedBytes { get; }

    public PlanNode this[string nodeId] => _byId[nodeId];

    public bool TryGetNode(string nodeId, [MaybeNullWhen(false)] out PlanNode node) => _byId.TryGetValue(nodeId, out node);
}
