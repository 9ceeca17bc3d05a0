namespace FlowForge.Engine.Expressions;

/// <summary>
/// One node of a parsed expression. Trees are shared by every evaluation of the same text (they are cached),
/// so they are never changed after parsing and hold no JSON nodes: literals are created afresh when evaluated.
/// </summary>
internal sealed class ExpressionNode
{
    public required ExpressionNodeKind Kind { get; init; }

    /// <summary>Where the node starts, counted from the start of the expression.</summary>
    public required int Position { get; init; }

    /// <summary>The operator, field name or node id.</summary>
    public string? Name { get; init; }

    /// <summary>A literal's value: <see cref="double"/>, <see cref="string"/>, <see cref="bool"/> or null.</summary>
    public object? Literal { get; init; }

    public ExpressionHelper? Helper { get; init; }

    public IReadOnlyList<string> Keys { get; init; } = [];

    public IReadOnlyList<ExpressionNode> Children { get; init; } = [];

    /// <summary>How deep the tree below this node is (a leaf is 1).</summary>
    public int Depth { get; init; } = 1;
}
