using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>A node type whose attempts never end on their own and ignore cancellation; its type declares a 150 ms timeout.</summary>
[NodeType("test.stuck", "Stuck test node", Category = NodeCategory.Action, TimeoutMs = 150)]
public sealed class StuckNode : Node<NoSettings>
{
    protected override async Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, context.HostStopping);
        return NodeResult.Success(null);
    }
}
