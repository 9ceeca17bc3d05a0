using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>What an expression can read: <c>input.…</c> (the run input) and <c>nodes.&lt;id&gt;.output.…</c>.</summary>
public sealed record ExpressionScope(JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> NodeOutputs)
{
    public static ExpressionScope From(NodeContext context) => new(context.RunInput, context.Upstream);
}
