using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>
/// A statement prepared on a SQLite connection's own handle and bound by position, value by value, with nothing
/// allocated: Microsoft.Data.Sqlite makes a binder object for every parameter of every execution, boxes its value,
/// formats a Guid into two strings and encodes every text into a new UTF-8 array, and a run's write binds over a hundred
/// values. It binds each type as Microsoft.Data.Sqlite does (integers as INTEGER, a Guid as its upper-case text, a
/// string as TEXT, null as NULL), so rows written either way are the same. Positions are 1-based in the order in which
/// a named parameter first appears in the text, as SQLite numbers them. A query's rows are read by column the same way
/// (<see cref="Read"/>), without a reader object or a boxed value.
/// </summary>
internal sealed class SqliteRowStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteRowStatement(SqliteConnection connection, string text)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, text, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        ParameterCount = raw.sqlite3_bind_parameter_count(_statement);
    }

    public int ParameterCount { get; }

    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void Bind(int position, long? value)
    {
        if (value is { } v)
        {
            Bind(position, v);
        }
        else
        {
            BindNull(position);
        }
    }

    public void Bind(int position, string? value)
    {
        if (value is null)
        {
            BindNull(position);
        }
        else if (value.Length == 0)
        {
            // An empty span has no address, and SQLite reads a text without one as NULL.
            Check(raw.sqlite3_bind_text(_statement, position, string.Empty));
        }
        else
        {
            Check(raw.sqlite3_bind_text16(_statement, position, value.AsSpan()));
        }
    }

    public void Bind(int position, Guid value)
    {
        Span<char> text = stackalloc char[36];
        value.TryFormat(text, out _, "D");
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is >= 'a' and <= 'f')
            {
                text[i] = (char)(text[i] - ('a' - 'A'));
            }
        }

        Check(raw.sqlite3_bind_text16(_statement, position, text));
    }

    public void Bind(int position, Guid? value)
    {
        if (value is { } v)
        {
            Bind(position, v);
        }
        else
        {
            BindNull(position);
        }
    }

    public void BindNull(int position) => Check(raw.sqlite3_bind_null(_statement, position));

    /// <summary>Runs the statement (one that returns no rows) and returns the rows it changed; the bindings stay.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    /// <summary>
    /// Steps a query: true with a row to read by column (0-based), false when it has no more, the statement then reset. A
    /// caller that stops before the end calls <see cref="Reset"/>, so the connection holds no read open; the bindings stay.
    /// </summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    public void Reset() => raw.sqlite3_reset(_statement);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int GetInt32(int column) => (int)raw.sqlite3_column_int64(_statement, column);

    /// <summary>The column's text, decoded from SQLite's UTF-8 as Microsoft.Data.Sqlite decodes it.</summary>
    public string GetString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
