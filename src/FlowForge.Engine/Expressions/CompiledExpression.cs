namespace FlowForge.Engine.Expressions;

/// <summary>A parsed expression and the node ids it reads through <c>nodes.&lt;id&gt;.output</c>.</summary>
internal sealed record CompiledExpression(ExpressionNode Root, IReadOnlyList<string> NodeIds);
