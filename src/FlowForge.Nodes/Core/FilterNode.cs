using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.filter", "Filter", Icon = "filter", Category = NodeCategory.Logic, Pure = true,
    Description = "Passes its input on when a condition such as {{ input.total }} holds; otherwise stops this branch: the filter succeeds with { \"passed\": false } and everything only it leads to is skipped.")]
public sealed class FilterNode : Node<FilterNode.Settings>
{
    /// <param name="Condition">Resolved before the node runs; read with <see cref="Truthiness"/>.</param>
    public sealed record Settings(JsonNode? Condition);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Truthiness.Of(settings.Condition)
            ? NodeResult.Success(context.Input?.DeepClone())
            : NodeResult.To([], new JsonObject { ["passed"] = false }));

    protected override void RefineSchema(JsonObject schema)
    {
        // Any JSON value will do, so the schema names no type.
        if (schema["properties"] is JsonObject properties)
        {
            properties["condition"] = new JsonObject { ["description"] = "Usually one {{ expression }}. false, null, a missing value, 0 and \"\" stop the branch; anything else lets the input through." };
        }
    }
}
