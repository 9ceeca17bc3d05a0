namespace FlowForge.Storage.Sql.Execution;

/// <summary>A <see cref="BatchedOperation"/> whose operations are queued with a <typeparamref name="TState"/> and answer a <typeparamref name="TResult"/>.</summary>
internal abstract class BatchedOperation<TState, TResult> : BatchedOperation
{
    /// <summary>One operation on its own: what every executor without a batch runs, and what an isolated round runs.</summary>
    public abstract ValueTask<TResult> ExecuteOneAsync(SqlSession session, TState state, CancellationToken cancellationToken);

    /// <summary>Several operations together; <paramref name="results"/>[i] answers <paramref name="states"/>[i].</summary>
    public abstract ValueTask ExecuteManyAsync(SqlSession session, IReadOnlyList<TState> states, TResult[] results, CancellationToken cancellationToken);

    public sealed override async ValueTask ExecuteAsync(SqlSession session, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
    {
        var states = new TState[writes.Count];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = ((PendingWrite<TState, TResult>)writes[i]).State;
        }

        var results = new TResult[states.Length];
        await ExecuteManyAsync(session, states, results, cancellationToken);
        for (var i = 0; i < results.Length; i++)
        {
            ((PendingWrite<TState, TResult>)writes[i]).SetResult(results[i]);
        }
    }
}
