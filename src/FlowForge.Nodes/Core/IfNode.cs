using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.if", "If", Icon = "git-branch", Category = NodeCategory.Logic, Pure = true, Outputs = [True, False],
    Description = "Sends its input on through 'true' or 'false' depending on a condition such as {{ input.approved }}. The branch not taken is skipped, and so is everything only it leads to.")]
public sealed class IfNode : Node<IfNode.Settings>
{
    public const string True = "true";
    public const string False = "false";

    /// <param name="Condition">Resolved before the node runs; read with <see cref="Truthiness"/>.</param>
    public sealed record Settings(JsonNode? Condition);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.To(Truthiness.Of(settings.Condition) ? True : False, context.Input?.DeepClone()));

    protected override void RefineSchema(JsonObject schema)
    {
        // Any JSON value will do, so the schema names no type.
        if (schema["properties"] is JsonObject properties)
        {
            properties["condition"] = new JsonObject { ["description"] = "Usually one {{ expression }}. false, null, a missing value, 0 and \"\" are false; anything else is true." };
        }
    }
}
