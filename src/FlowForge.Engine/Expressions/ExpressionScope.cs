using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>What an expression can read: <c>input.…</c> (the run input) and <c>nodes.&lt;id&gt;.output.…</c>.</summary>
public sealed record ExpressionScope(JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> NodeOutputs)
{
    /// <summary>Most UTF-8 bytes one resolution (every template of one config) may produce.</summary>
    public long MaxResultBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The node whose config is resolved, named in errors about limits.</summary>
    public string? NodeId { get; init; }

    public static ExpressionScope From(NodeContext context) =>
        new(context.RunInput, context.Upstream) { MaxResultBytes = context.MaxExpressionResultBytes, NodeId = context.NodeId };
}
