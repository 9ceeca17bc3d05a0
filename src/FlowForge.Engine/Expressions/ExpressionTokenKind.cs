namespace FlowForge.Engine.Expressions;

internal enum ExpressionTokenKind
{
    Number,
    String,

    /// <summary>A bare name: <c>input</c>, <c>nodes</c>, <c>true</c>, a helper.</summary>
    Name,

    /// <summary>A <c>.name</c> step, read as one token so names may hold <c>-</c> as they always could.</summary>
    Member,

    Symbol,
    End,
}
