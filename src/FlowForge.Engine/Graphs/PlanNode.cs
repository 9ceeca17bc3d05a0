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

    public NodePolicies Policies { get; init; } = NodePolicies.Default;
}
