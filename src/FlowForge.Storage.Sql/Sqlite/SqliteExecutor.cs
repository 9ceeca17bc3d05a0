using System.Data.Common;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Extensions.Logging;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>SQLite: writes through the group-commit writer, reads on pooled connections beside it.</summary>
internal sealed class SqliteExecutor : SqlExecutor
{
    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteGroupCommitWriter _writer;
    private readonly SqliteReaderPool _readers;
    private readonly SqliteCheckpointer? _checkpointer;

    public SqliteExecutor(string connectionString, SqliteDialect dialect, bool writesOutbox = true, CheckpointOptions? checkpoint = null, ILogger? logger = null)
    {
        Dialect = dialect;
        checkpoint ??= new CheckpointOptions();
        checkpoint.Validate();
        _connections = new SqliteConnectionFactory(connectionString);
        _checkpointer = checkpoint.InBackground ? new SqliteCheckpointer(_connections, checkpoint, logger) : null;
        _writer = new SqliteGroupCommitWriter(_connections, Dialect, writesOutbox, _checkpointer);
        _readers = new SqliteReaderPool(_connections, Dialect, maxIdle: Math.Max(4, Environment.ProcessorCount * 2));
    }

    public override SqlDialect Dialect { get; }

    public override bool IsRunning => _writer.IsRunning;

    public SqliteGroupCommitWriter Writer => _writer;

    /// <summary>The log's checkpointer beside the writer; null when SQLite checkpoints inside the commits.</summary>
    public SqliteCheckpointer? Checkpointer => _checkpointer;

    /// <summary>The database file.</summary>
    public string DataSource => _connections.DataSource;

    public override async Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.WriteAsync(body, state, cancellationToken);
        }
        catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
        {
            throw TransientFailures.Wrap(Dialect, exception);
        }
    }

    public override async Task<TResult> ReadAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = _readers.Rent();
        var failed = true;
        try
        {
            var result = await body(session, state, cancellationToken);
            failed = false;
            return result;
        }
        catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
        {
            throw TransientFailures.Wrap(Dialect, exception);
        }
        finally
        {
            _readers.Return(session, failed);
        }
    }

    public override DbConnection OpenMigrationConnection() => _connections.OpenWriter();

    public override async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }

        _readers.Dispose();
    }
}
