using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("trigger.manual", "Manual Trigger", Icon = "play", Category = NodeCategory.Trigger, Pure = true, PassesRunInput = true, ManualStart = true,
    Description = "Starts the flow when you press Run or call the API; passes the run input on to the next step (an empty object when there is none).")]
public sealed class ManualTriggerNode : Node<NoSettings>
{
    protected override Task<NodeResult> ExecuteAsync(NoSettings settings, NodeContext context, CancellationToken cancellationToken) =>
        // The run input is a view made for this execution, part of no other document: passed on as it is, not copied.
        Task.FromResult(NodeResult.Success(context.RunInput is { Parent: null } input ? input : context.RunInput?.DeepClone() ?? new JsonObject()));
}
