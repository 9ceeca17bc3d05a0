using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>A helper function expressions may call: a pure function of its arguments (and the engine's clock for <c>now()</c>).</summary>
internal sealed record ExpressionHelper(string Name, int MinArguments, int MaxArguments, Func<ExpressionCall, JsonNode?> Invoke);
