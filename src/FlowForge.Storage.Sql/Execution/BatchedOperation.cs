namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// A store operation of which several, queued into one batch of the server writer, run together in a few set-based
/// statements instead of a few statements each (claims: one UPDATE over every claimed node of the batch). The writer hands
/// every queued operation of one kind in its batch to <see cref="ExecuteAsync"/> at once; an operation alone in its batch,
/// and every operation of a batch that runs again with a savepoint per operation, runs alone.
/// </summary>
internal abstract class BatchedOperation
{
    /// <summary>
    /// Runs <paramref name="writes"/> (two or more, all of this kind, in the batch's lock order) and sets each one's own
    /// result: a per-operation outcome (a claim lost to a stale version, say) is a result, not an exception. An exception
    /// fails the transaction, which the writer then runs again with each operation alone, so only a failing operation's
    /// caller sees it.
    /// </summary>
    public abstract ValueTask ExecuteAsync(SqlSession session, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken);
}
