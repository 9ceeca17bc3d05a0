using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("trigger.manual", "Manual Trigger", Icon = "play", Category = NodeCategory.Trigger, Pure = true, PassesRunInput = true, ManualStart = true,
    Description = "Starts the flow when you press Run or call the API; passes the run input on to the next step (an empty object when there is none).")]
public sealed class ManualTriggerNode : Node<NoSettings>
{
    protected override Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(context.RunInput?.DeepClone() ?? new JsonObject()));
}
