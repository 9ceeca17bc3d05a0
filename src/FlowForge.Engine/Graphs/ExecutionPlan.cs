using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// A flow version compiled for execution: nodes in topological order with their parents, children
/// and join counts. Immutable and shared by every run of that version (held in an <see cref="IPlanCache"/>).
/// </summary>
public sealed class ExecutionPlan
{
    private readonly Dictionary<string, PlanNode> _byId;
    private readonly Dictionary<string, int> _indexById;
    private readonly int[][] _dependencyIndexes;
    private readonly int[][] _parentIndexes;
    private readonly int[][] _childIndexes;

    public ExecutionPlan(Guid flowId, int version, IReadOnlyList<PlanNode> nodesInTopologicalOrder, long estimatedBytes = 0)
    {
        FlowId = flowId;
        EstimatedBytes = estimatedBytes;
        Version = version;
        Nodes = nodesInTopologicalOrder;
        _byId = nodesInTopologicalOrder.ToDictionary(n => n.Id, StringComparer.Ordinal);
        _indexById = new Dictionary<string, int>(nodesInTopologicalOrder.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodesInTopologicalOrder.Count; i++)
        {
            _indexById[nodesInTopologicalOrder[i].Id] = i;
        }

        // Each node's dependencies, parents and children by index, looked up once here rather than by id on every run.
        _dependencyIndexes = new int[nodesInTopologicalOrder.Count][];
        _parentIndexes = new int[nodesInTopologicalOrder.Count][];
        _childIndexes = new int[nodesInTopologicalOrder.Count][];
        for (var i = 0; i < nodesInTopologicalOrder.Count; i++)
        {
            var node = nodesInTopologicalOrder[i];
            _dependencyIndexes[i] = IndexesOf(node.Dependencies);
            _parentIndexes[i] = IndexesOf(node.Parents);
            var children = node.Children.Count == 0 ? [] : new int[node.Children.Count];
            for (var c = 0; c < children.Length; c++)
            {
                children[c] = _indexById.GetValueOrDefault(node.Children[c].Target, -1);
            }

            _childIndexes[i] = children;
        }

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

    /// <summary>The node's position in <see cref="Nodes"/>, or -1 when the plan has no such node.</summary>
    public int IndexOf(string nodeId) => _indexById.GetValueOrDefault(nodeId, -1);

    /// <summary>
    /// The positions in <see cref="Nodes"/> of the dependencies of the node at <paramref name="index"/>, in the order of its
    /// <see cref="PlanNode.Dependencies"/> (-1 for one the plan does not have).
    /// </summary>
    internal int[] DependencyIndexes(int index) => _dependencyIndexes[index];

    /// <summary>The positions of the parents of the node at <paramref name="index"/>, in the order of its <see cref="PlanNode.Parents"/>.</summary>
    internal int[] ParentIndexes(int index) => _parentIndexes[index];

    /// <summary>The positions of the targets of the node's <see cref="PlanNode.Children"/> edges, in their order.</summary>
    internal int[] ChildIndexes(int index) => _childIndexes[index];

    private int[] IndexesOf(IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var indexes = new int[ids.Count];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = _indexById.GetValueOrDefault(ids[i], -1);
        }

        return indexes;
    }
}
