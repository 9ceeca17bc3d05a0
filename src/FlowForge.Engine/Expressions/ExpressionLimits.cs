namespace FlowForge.Engine.Expressions;

/// <summary>Fixed bounds on reading and evaluating one expression (the text between <c>{{</c> and <c>}}</c>).</summary>
public static class ExpressionLimits
{
    /// <summary>Longest expression read; longer ones are refused before parsing.</summary>
    public const int MaxLength = 4_096;

    /// <summary>Deepest nesting of brackets, braces and parentheses accepted.</summary>
    public const int MaxNesting = 32;

    /// <summary>Deepest expression tree accepted (operators and path steps applied to one another); keeps evaluation shallow.</summary>
    public const int MaxDepth = 256;

    /// <summary>Most evaluation steps one expression may take: one per operator, value and path step, one per list element or object field a helper or comparison visits.</summary>
    public const int MaxSteps = 100_000;

    /// <summary>Most distinct expressions kept parsed in memory.</summary>
    public const int CacheCapacity = 4_096;
}
