using System.Collections.Concurrent;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// Parsed expressions by their text, shared by every run: a node's templates are parsed once, not on every execution.
/// Holds at most <see cref="ExpressionLimits.CacheCapacity"/> entries of at most <see cref="ExpressionLimits.MaxLength"/>
/// characters each; when full it starts again empty, which costs only re-parsing.
/// </summary>
internal static class ExpressionCache
{
    private static readonly ConcurrentDictionary<string, CompiledExpression> Parsed = new(StringComparer.Ordinal);

    public static int Count => Parsed.Count;

    /// <summary>The parsed form of <paramref name="text"/>; a syntax error throws with positions counted from <paramref name="offset"/>.</summary>
    public static CompiledExpression Get(string text, int offset)
    {
        if (Parsed.TryGetValue(text, out var compiled))
        {
            return compiled;
        }

        compiled = ExpressionParser.Parse(text, offset);
        if (Parsed.Count >= ExpressionLimits.CacheCapacity)
        {
            Parsed.Clear();
        }

        Parsed.TryAdd(text, compiled);
        return compiled;
    }
}
