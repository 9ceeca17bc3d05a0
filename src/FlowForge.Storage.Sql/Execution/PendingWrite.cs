using System.Diagnostics;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>A write operation waiting for the writer, with the task its caller awaits.</summary>
internal abstract class PendingWrite
{
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The key the operations of a batch are ordered by (the run whose rows it locks; empty for none).</summary>
    public Guid LockOrder { get; init; }

    /// <summary>The set-based form this operation can run in together with others of its kind in a batch (null: it runs alone).</summary>
    public BatchedOperation? Batch { get; init; }

    /// <summary>
    /// The span the operation was queued under, when traced: the writer marks on it when the operation's batch began and
    /// when it committed, so a trace shows the wait for the writer and the commit apart.
    /// </summary>
    public Activity? Traced { get; } = Activity.Current;

    public ValueTask ExecuteAsync(SqlSession session) => ExecuteAsync(session, CancellationToken);

    /// <summary>Runs the operation with the token the writer chooses (a server writer never cancels a statement half-way through a batch).</summary>
    public abstract ValueTask ExecuteAsync(SqlSession session, CancellationToken executionToken);

    /// <summary>Hands the result to the caller; called only once the transaction that holds it is committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

internal sealed class PendingWrite<TState, TResult>(
    Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body,
    TState state,
    CancellationToken cancellationToken) : PendingWrite
{
    // Continuations run on the thread pool, never on the writer loop that completes them.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;

    public Task<TResult> Task => _completion.Task;

    /// <summary>What the operation was queued with, for a <see cref="BatchedOperation"/> that runs it together with others.</summary>
    public TState State => state;

    /// <summary>The result a <see cref="BatchedOperation"/> decided for this operation; handed over by <see cref="Complete"/>.</summary>
    public void SetResult(TResult result) => _result = result;

    public override CancellationToken CancellationToken => cancellationToken;

    public override async ValueTask ExecuteAsync(SqlSession session, CancellationToken executionToken) =>
        _result = await body(session, state, executionToken);

    public override void Complete() => _completion.TrySetResult(_result!);

    public override void Fail(Exception exception)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }
    }

    public override void Cancel() => _completion.TrySetCanceled(cancellationToken);
}
