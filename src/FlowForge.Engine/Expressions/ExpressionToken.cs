namespace FlowForge.Engine.Expressions;

/// <summary>One token of an expression; <see cref="Position"/> counts characters from the start of the expression.</summary>
internal readonly record struct ExpressionToken(ExpressionTokenKind Kind, string Text, int Position, double Number = 0)
{
    public bool Is(string symbol) => Kind == ExpressionTokenKind.Symbol && Text == symbol;

    public string Describe() => Kind switch
    {
        ExpressionTokenKind.End => "the end of the expression",
        ExpressionTokenKind.String => "a string",
        ExpressionTokenKind.Member => $"'.{Text}'",
        _ => $"'{Text}'",
    };
}
