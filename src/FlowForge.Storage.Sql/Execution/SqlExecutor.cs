using System.Data.Common;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// Runs store operations on connections of one provider. A write is one transaction as far as its
/// caller can tell, and its task completes only once that transaction is durable; a read runs on a
/// connection of its own beside the writes.
/// </summary>
internal abstract class SqlExecutor : IAsyncDisposable
{
    public abstract SqlDialect Dialect { get; }

    /// <summary>False once the executor can no longer accept work (disposed, or its writer stopped).</summary>
    public abstract bool IsRunning { get; }

    /// <summary>
    /// True when a read that belongs to a write is cheaper inside the write's transaction than beside it: on a server
    /// database a separate read is a transaction (and a round of connection renting) of its own. SQLite reads beside
    /// its single writer so as to keep the writer for writes.
    /// </summary>
    public virtual bool ReadsRideWithWrites => false;

    public abstract Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken);

    /// <summary>
    /// A write that locks rows of one run, <paramref name="lockOrder"/> (its id): where writes share a transaction, those
    /// of a batch run in the order of this key, so that two transactions take the rows of two runs in the same order
    /// and do not deadlock over them. By default the key is ignored.
    /// </summary>
    public virtual Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, Guid lockOrder, CancellationToken cancellationToken) =>
        WriteAsync(body, state, cancellationToken);

    /// <summary>
    /// A write that, where writes share a transaction, runs together with the other operations of its kind in the batch
    /// (see <see cref="BatchedOperation"/>). By default it runs alone.
    /// </summary>
    public virtual Task<TResult> WriteBatchedAsync<TState, TResult>(
        BatchedOperation<TState, TResult> operation, TState state, Guid lockOrder, CancellationToken cancellationToken) =>
        WriteAsync(operation.ExecuteOneAsync, state, lockOrder, cancellationToken);

    public abstract Task<TResult> ReadAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken);

    /// <summary>A fresh connection, not shared with operations, for applying migrations.</summary>
    public abstract DbConnection OpenMigrationConnection();

    public abstract ValueTask DisposeAsync();
}
