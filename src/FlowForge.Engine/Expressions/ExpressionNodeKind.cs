namespace FlowForge.Engine.Expressions;

internal enum ExpressionNodeKind
{
    /// <summary>A number, string, boolean or null written in the expression (<see cref="ExpressionNode.Literal"/>).</summary>
    Literal,

    /// <summary><c>input</c>: the run input.</summary>
    Input,

    /// <summary><c>nodes.&lt;id&gt;.output</c>; the id is <see cref="ExpressionNode.Name"/>.</summary>
    NodeOutput,

    /// <summary><c>a.name</c>: child 0, field <see cref="ExpressionNode.Name"/>.</summary>
    Member,

    /// <summary><c>a[b]</c>: children 0 and 1.</summary>
    Index,

    /// <summary><c>!a</c>, <c>-a</c>: operator <see cref="ExpressionNode.Name"/>, child 0.</summary>
    Unary,

    /// <summary>Arithmetic and comparison: operator <see cref="ExpressionNode.Name"/>, children 0 and 1.</summary>
    Binary,

    /// <summary><c>&amp;&amp;</c>, <c>||</c>, <c>??</c>: evaluated left to right, the right side only when needed.</summary>
    Logical,

    /// <summary><c>a ? b : c</c>.</summary>
    Conditional,

    /// <summary>A helper call: <see cref="ExpressionNode.Helper"/> over the children.</summary>
    Call,

    /// <summary><c>[a, b]</c>.</summary>
    Array,

    /// <summary><c>{ name: a }</c>: field names in <see cref="ExpressionNode.Keys"/>, values in the children.</summary>
    Object,
}
