using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// One statement of the store. Its text may depend on the dialect; each session prepares it once and
/// re-binds its parameters on every use. <see cref="Index"/> addresses the session's command cache.
/// </summary>
internal sealed class SqlStatement
{
    private static readonly Lock RegistryLock = new();
    private static readonly List<SqlStatement> Registry = [];

    private readonly Func<SqlDialect, string> _text;

    public SqlStatement(string name, string text)
        : this(name, _ => text)
    {
    }

    public SqlStatement(string name, Func<SqlDialect, string> text)
    {
        Name = name;
        _text = text;
        lock (RegistryLock)
        {
            Index = Registry.Count;
            Registry.Add(this);
        }
    }

    public string Name { get; }

    public int Index { get; }

    /// <summary>
    /// False for a text of several statements that must travel together: a prepared command of several statements is
    /// executed one statement per round trip, an unprepared one is sent whole, in one round trip.
    /// </summary>
    public bool Prepares { get; init; } = true;

    /// <summary>Every statement created so far (the query-plan check walks them).</summary>
    public static IReadOnlyList<SqlStatement> All
    {
        get
        {
            lock (RegistryLock)
            {
                return [.. Registry];
            }
        }
    }

    public static int Count
    {
        get
        {
            lock (RegistryLock)
            {
                return Registry.Count;
            }
        }
    }

    public string TextFor(SqlDialect dialect) => _text(dialect);

    /// <summary>The statements of the text, where it holds several (each ends its line with a semicolon), one by one.</summary>
    public IReadOnlyList<string> StatementsFor(SqlDialect dialect) =>
        TextFor(dialect).Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => Name;
}
