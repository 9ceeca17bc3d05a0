using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>
/// The real run store, except that the first claims and completions fail as a deadlock would; and the first
/// <c>failingAfterClaim</c> claims fail after committing, as a claim whose dependency read found no connection does.
/// With <c>completionsOf</c>, only the completions of that node fail.
/// </summary>
public sealed class FlakyRunStore(IRunStore inner, int failingClaims, int failingCompletions = 0, int failingAfterClaim = 0, string? completionsOf = null) : IRunStore
{
    private int _failuresLeft = failingClaims;
    private int _completionFailuresLeft = failingCompletions;
    private int _afterClaimFailuresLeft = failingAfterClaim;
    private int _failedAfterClaim;

    /// <summary>Claims that committed and were then reported as failed.</summary>
    public int FailedAfterClaim => Volatile.Read(ref _failedAfterClaim);

    public Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken) => inner.CreateRunAsync(run, plan, cancellationToken);

    public async Task<ClaimedNode?> TryClaimAsync(
        WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw Deadlock();
        }

        var claim = await inner.TryClaimAsync(message, dependencies, workerId, now, leaseUntil, cancellationToken);
        if (claim is not null && Interlocked.Decrement(ref _afterClaimFailuresLeft) >= 0)
        {
            Interlocked.Increment(ref _failedAfterClaim);
            throw new StoreUnavailableException("too many clients already (simulated, after the claim)", new TimeoutException(), claim);
        }

        return claim;
    }

    public Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken) =>
        (completionsOf is null || completion.NodeId == completionsOf) && Interlocked.Decrement(ref _completionFailuresLeft) >= 0
            ? throw Deadlock()
            : inner.CompleteNodeAsync(completion, plan, cancellationToken);

    public Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken) => inner.CancelRunAsync(runId, ownerId, at, cancellationToken);

    public Task<ReopenResult?> ReopenRunAsync(Guid runId, Guid? ownerId, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.ReopenRunAsync(runId, ownerId, plan, at, cancellationToken);
    public Task<RunDeletion> DeleteRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) => inner.DeleteRunAsync(runId, ownerId, cancellationToken);

    private static StoreUnavailableException Deadlock() => new("deadlock detected (simulated)", new TimeoutException());
}
