using System.Data;
using System.Data.Common;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// PostgreSQL and MySQL. Writes go through the <see cref="ServerGroupCommitWriter"/> (many operations of this process
/// per READ COMMITTED transaction) unless <see cref="GroupCommitOptions.Enabled"/> is false; then every operation is its
/// own transaction on a connection rented from the driver's pool. Any number of processes write at once and the
/// database's row locks order them. An operation the database rolled back for a conflict (deadlock, serialization
/// failure) runs again after a short random pause, a bounded number of times; the store's operations only touch the
/// database, so running one again is safe. A failure the driver calls transient (the server is down or restarting,
/// the connection broke, the pool is exhausted) leaves as <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class PooledSqlExecutor : SqlExecutor
{
    public const int MaxAttempts = 6;

    private readonly DbDataSource _dataSource;
    private readonly ServerGroupCommitWriter? _writer;
    private volatile bool _disposed;
    private long _retries;

    public PooledSqlExecutor(DbDataSource dataSource, SqlDialect dialect, GroupCommitOptions? groupCommit = null)
    {
        _dataSource = dataSource;
        Dialect = dialect;
        groupCommit ??= new GroupCommitOptions();
        if (groupCommit.Enabled)
        {
            _writer = new ServerGroupCommitWriter(dataSource, dialect, groupCommit);
        }
    }

    public override SqlDialect Dialect { get; }

    /// <summary>The driver's pool, for the few reads that must be synchronous (a node reading a blob-stored input).</summary>
    public DbDataSource DataSource => _dataSource;

    public override bool IsRunning => !_disposed && _writer?.IsRunning != false;

    public override bool ReadsRideWithWrites => true;

    /// <summary>The group-commit writer, or null when every write is its own transaction.</summary>
    public ServerGroupCommitWriter? Writer => _writer;

    /// <summary>Operations the database rolled back for a conflict and that ran again (for tests and diagnostics).</summary>
    public long Retries => Interlocked.Read(ref _retries) + (_writer?.ConflictRetries ?? 0);

    public override Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken) =>
        WriteAsync(body, state, Guid.Empty, cancellationToken);

    public override async Task<TResult> WriteBatchedAsync<TState, TResult>(
        BatchedOperation<TState, TResult> operation, TState state, Guid lockOrder, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return await WriteAsync(operation.ExecuteOneAsync, state, lockOrder, cancellationToken);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return await _writer.WriteAsync(operation, state, lockOrder, cancellationToken);
        }
        catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
        {
            throw TransientFailures.Wrap(Dialect, exception);
        }
    }

    public override async Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, Guid lockOrder, CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return await _writer.WriteAsync(body, state, lockOrder, cancellationToken);
            }
            catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
            {
                throw TransientFailures.Wrap(Dialect, exception);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return await WriteOnceAsync(body, state, cancellationToken);
            }
            catch (DbException exception) when (attempt < MaxAttempts && Dialect.IsTransientConflict(exception))
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
            {
                throw TransientFailures.Wrap(Dialect, exception);
            }
        }
    }

    public override async Task<TResult> ReadAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var session = new SqlSession(await _dataSource.OpenConnectionAsync(cancellationToken), Dialect);
            return await body(session, state, cancellationToken);
        }
        catch (Exception exception) when (TransientFailures.IsTransient(Dialect, exception))
        {
            throw TransientFailures.Wrap(Dialect, exception);
        }
    }

    public override DbConnection OpenMigrationConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _dataSource.OpenConnection();
    }

    public override async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_writer is not null)
        {
            // Queued writes still commit; only new ones are refused.
            await _writer.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }

    private async Task<TResult> WriteOnceAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken)
    {
        // The session owns the connection and is disposed last; a transaction not committed by then rolls back.
        using var session = new SqlSession(await _dataSource.OpenConnectionAsync(cancellationToken), Dialect);
        await using var transaction = await session.Connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        session.Transaction = transaction;
        var result = await body(session, state, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    // The driver's message names the host and the error, never the password; it stays in the inner exception for the log.
    // Full jitter on an exponential ceiling (10, 20, 40 … ms): two transactions that deadlocked do not meet again in step.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 6)));
}
