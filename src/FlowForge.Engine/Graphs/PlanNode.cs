using System.Text.Json.Nodes;
using FlowForge.Engine.Policies;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// One node of an <see cref="ExecutionPlan"/>. <see cref="JoinCount"/> is the number of incoming edges:
/// the node becomes Ready once that many parent edges have been resolved and at least one was taken.
/// <see cref="Dependencies"/> are the nodes whose outputs it reads: its parents plus the upstream nodes
/// its config names in expressions. <see cref="Policies"/> are its retry, timeout and error handling.
/// </summary>
public sealed record PlanNode(
    string Id,
    string Type,
    JsonNode? Config,
    bool IsTrigger,
    IReadOnlyList<string> Parents,
    IReadOnlyList<PlanEdge> Children,
    IReadOnlyList<string> Dependencies)
{
    public int JoinCount { get; init; }

    /// <summary>For each parent, the output ports it has an edge into this node through: a parent reached this node only if it fired one.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ParentPorts { get; init; } = NoParentPorts;

    internal static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoParentPorts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    public NodePolicies Policies { get; init; } = NodePolicies.Default;
}
