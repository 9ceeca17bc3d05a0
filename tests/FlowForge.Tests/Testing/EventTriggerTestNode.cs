using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>A trigger started by an event rather than by hand (as a webhook or a schedule is), for flows with several triggers.</summary>
[NodeType("test.event", "Event trigger", Category = NodeCategory.Trigger)]
public sealed class EventTriggerTestNode : Node<NoSettings>
{
    protected override Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(context.RunInput?.DeepClone() ?? new JsonObject()));
}
