using System.Data.Common;
using System.Text.RegularExpressions;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// A connection with its prepared commands. Store operations run against a session; the executor
/// decides which connection and transaction that is (the SQLite writer shares one for a whole batch).
/// </summary>
internal sealed partial class SqlSession : IDisposable
{
    private readonly bool _prepares;
    private DbCommand?[] _commands;
    private bool? _insertReturnsRows;

    /// <param name="prepares">Whether commands are prepared on first use; by default the dialect decides. A connection
    /// held for many operations (a server writer's) prepares where a pooled one would not.</param>
    public SqlSession(DbConnection connection, SqlDialect dialect, bool? prepares = null)
    {
        Connection = connection;
        Dialect = dialect;
        _prepares = prepares ?? dialect.PreparesCommands;
        _commands = new DbCommand?[SqlStatement.Count];
    }

    public DbConnection Connection { get; }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// False when the work queue lives in this process and this process is the only worker: a message then needs no
    /// outbox row, because the state it is derived from (a Ready node, a due timer) is in the same transaction and the
    /// start-up scan and sweeps rebuild every message from that state.
    /// </summary>
    public bool WritesOutbox { get; init; } = true;

    /// <summary>Whether a multi-row INSERT … RETURNING reads back the rows it inserted here (see <see cref="SqlDialect.InsertReturnsRows"/>), asked once per connection.</summary>
    public bool InsertReturnsRows => _insertReturnsRows ??= Dialect.InsertReturnsRows(Connection);

    /// <summary>The ADO.NET transaction commands must join, for drivers that track it (null when the session issues BEGIN itself).</summary>
    public DbTransaction? Transaction { get; set; }

    /// <summary>The statement's prepared command on this connection; set every parameter before executing it.</summary>
    public DbCommand Command(SqlStatement statement)
    {
        var index = statement.Index;
        if (index >= _commands.Length)
        {
            Array.Resize(ref _commands, Math.Max(index + 1, _commands.Length * 2));
        }

        var command = _commands[index] ??= Prepare(statement);
        command.Transaction = Transaction;
        return command;
    }

    /// <summary>Statements this session sent (each a round trip).</summary>
    public long RoundTrips { get; private set; }

    public ValueTask<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        CountRoundTrip();
        return Dialect.SynchronousDriver ? new(command.ExecuteNonQuery()) : new(command.ExecuteNonQueryAsync(cancellationToken));
    }

    public ValueTask<object?> ScalarAsync(DbCommand command, CancellationToken cancellationToken)
    {
        CountRoundTrip();
        return Dialect.SynchronousDriver ? new(command.ExecuteScalar()) : new(command.ExecuteScalarAsync(cancellationToken));
    }

    public ValueTask<DbDataReader> ReaderAsync(DbCommand command, CancellationToken cancellationToken)
    {
        CountRoundTrip();
        return Dialect.SynchronousDriver ? new(command.ExecuteReader()) : new(command.ExecuteReaderAsync(cancellationToken));
    }

    /// <summary>Counts a round trip the session's owner sent on this connection itself (a savepoint, BEGIN, COMMIT).</summary>
    public void CountRoundTrip()
    {
        RoundTrips++;
        StoreTelemetry.RoundTrips.Add(1);
    }

    public void Dispose()
    {
        foreach (var command in _commands)
        {
            command?.Dispose();
        }

        DisposeRowStatements();
        Connection.Dispose();
    }

    private DbCommand Prepare(SqlStatement statement)
    {
        var text = statement.TextFor(Dialect);
        var names = ParameterNames(text).ToList();
        var command = (Dialect.SendsPositionalParameters ? PositionalCommand.Create(Connection, text, names) : null) ?? Named(text, names);
        command.Transaction = Transaction;
        if (_prepares && statement.Prepares)
        {
            command.Prepare();
        }

        return command;
    }

    /// <summary>The text actually sent for the statement on this session (its positional form where the dialect sends one).</summary>
    internal string SentText(SqlStatement statement)
    {
        var command = Command(statement);
        return command is PositionalCommand positional ? positional.Sent.CommandText : command.CommandText;
    }

    // The driver's command with the text as written, its parameters by name.
    private DbCommand Named(string text, List<string> names)
    {
        var command = Connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    internal static IEnumerable<string> ParameterNames(string sql) =>
        ParameterPattern().Matches(sql).Select(m => m.Value).Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![\w@])@[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterPattern();
}
