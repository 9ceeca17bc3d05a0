using System.Collections.Frozen;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// The helpers expressions may call, by name. Each is a pure function of its arguments: no reflection, no I/O,
/// and the only clock is the engine's <see cref="TimeProvider"/>. docs/expressions.md lists them with examples.
/// </summary>
internal static partial class ExpressionHelpers
{
    private const int Many = int.MaxValue;

    private static readonly FrozenDictionary<string, ExpressionHelper> ByName = new ExpressionHelper[]
    {
        new("lower", 1, 1, Lower),
        new("upper", 1, 1, Upper),
        new("trim", 1, 1, Trim),
        new("length", 1, 1, Length),
        new("contains", 2, 2, Contains),
        new("startsWith", 2, 2, StartsWith),
        new("endsWith", 2, 2, EndsWith),
        new("indexOf", 2, 2, IndexOf),
        new("replace", 3, 3, Replace),
        new("split", 2, 2, Split),
        new("join", 1, 2, Join),
        new("substring", 2, 3, Substring),
        new("string", 1, 1, String),
        new("round", 1, 2, Round),
        new("floor", 1, 1, Floor),
        new("ceil", 1, 1, Ceil),
        new("abs", 1, 1, Abs),
        new("min", 1, Many, Min),
        new("max", 1, Many, Max),
        new("sum", 1, 1, Sum),
        new("number", 1, 1, Number),
        new("now", 0, 0, Now),
        new("formatDate", 2, 2, FormatDate),
        new("addDays", 2, 2, AddDays),
        new("addHours", 2, 2, AddHours),
        new("addMinutes", 2, 2, AddMinutes),
        new("first", 1, 1, First),
        new("last", 1, 1, Last),
        new("slice", 2, 3, Slice),
        new("keys", 1, 1, Keys),
        new("values", 1, 1, Values),
        new("json", 1, 1, Json),
        new("parseJson", 1, 1, ParseJson),
        new("default", 2, 2, Default),
        new("isEmpty", 1, 1, IsEmpty),
        new("type", 1, 1, TypeOf),
    }.ToFrozenDictionary(h => h.Name, StringComparer.Ordinal);

    /// <summary>Every helper name, for documentation checks.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static ExpressionHelper? Find(string name) => ByName.GetValueOrDefault(name);
}
