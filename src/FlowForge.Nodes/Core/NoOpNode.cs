using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.noop", "No Operation", Icon = "circle", Category = NodeCategory.Logic, Pure = true,
    Description = "Does nothing and passes its input on unchanged; useful to join branches or to mark a point in the flow.")]
public sealed class NoOpNode : Node<NoSettings>
{
    protected override Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken) =>
        // The input is a view made for this execution, part of no other document: passed on as it is, not copied.
        Task.FromResult(NodeResult.Success(context.Input is { Parent: null } input ? input : context.Input?.DeepClone()));
}
