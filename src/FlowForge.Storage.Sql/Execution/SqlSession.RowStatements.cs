using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowForge.Storage.Sql.Execution;

internal sealed partial class SqlSession
{
    private SqliteRowStatement?[]? _rowStatements;

    /// <summary>Whether <see cref="RowStatement"/> serves this session's connection (a SQLite one).</summary>
    public bool BindsByPosition => Connection is SqliteConnection;

    /// <summary>
    /// The statement prepared on this SQLite connection's handle for binding by position (<see cref="SqliteRowStatement"/>);
    /// prepared once per connection, as <see cref="Command"/>'s are. Each execution is counted as a round trip.
    /// </summary>
    public SqliteRowStatement RowStatement(SqlStatement statement)
    {
        var index = statement.Index;
        var made = _rowStatements ??= new SqliteRowStatement?[Math.Max(SqlStatement.Count, index + 1)];
        if (index >= made.Length)
        {
            Array.Resize(ref _rowStatements, Math.Max(index + 1, made.Length * 2));
            made = _rowStatements;
        }

        return made[index] ??= new SqliteRowStatement((SqliteConnection)Connection, statement.TextFor(Dialect));
    }

    public int Execute(SqliteRowStatement statement)
    {
        CountRoundTrip();
        return statement.Execute();
    }

    /// <summary>Steps a query prepared by <see cref="RowStatement"/> (see <see cref="SqliteRowStatement.Read"/>); its first step counts as a round trip.</summary>
    public bool Query(SqliteRowStatement statement)
    {
        CountRoundTrip();
        return statement.Read();
    }

    private void DisposeRowStatements()
    {
        foreach (var statement in _rowStatements ?? [])
        {
            statement?.Dispose();
        }
    }
}
