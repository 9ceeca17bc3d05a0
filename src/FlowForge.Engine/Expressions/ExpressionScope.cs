using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>What an expression can read: <c>input.…</c> (the run input), <c>nodes.&lt;id&gt;.output.…</c> and the engine's clock.</summary>
public sealed record ExpressionScope(JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> NodeOutputs)
{
    /// <summary>Most UTF-8 bytes one resolution (every template of one config) may produce, and separately build along the way.</summary>
    public long MaxResultBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most evaluation steps one expression may take.</summary>
    public long MaxSteps { get; init; } = ExpressionLimits.MaxSteps;

    /// <summary>The node whose config is resolved, named in errors.</summary>
    public string? NodeId { get; init; }

    /// <summary>The clock <c>now()</c> reads: the engine's, so tests and replays control it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static ExpressionScope From(NodeContext context) =>
        new(context.RunInput, context.Upstream)
        {
            MaxResultBytes = context.MaxExpressionResultBytes,
            NodeId = context.NodeId,
            Time = context.Time,
        };
}
