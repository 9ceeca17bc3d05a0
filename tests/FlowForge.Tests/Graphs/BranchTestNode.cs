using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Graphs;

/// <summary>A node type with two named ports and no default one, for port checks.</summary>
[NodeType("test.branch", "Branch", Category = NodeCategory.Logic, Outputs = ["true", "false"])]
public sealed class BranchTestNode : Node<NoSettings>
{
    protected override Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.To("true", context.Input));
}
