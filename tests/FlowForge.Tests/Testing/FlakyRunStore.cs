using System.Data.Common;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>The real run store, except that the first claims and completions fail as a deadlock would.</summary>
public sealed class FlakyRunStore(IRunStore inner, int failingClaims, int failingCompletions = 0) : IRunStore
{
    private int _failuresLeft = failingClaims;
    private int _completionFailuresLeft = failingCompletions;

    public Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken) => inner.CreateRunAsync(run, plan, cancellationToken);

    public Task<ClaimedNode?> TryClaimAsync(WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref _failuresLeft) >= 0
            ? throw new SimulatedDeadlockException()
            : inner.TryClaimAsync(message, dependencies, workerId, now, leaseUntil, cancellationToken);

    public Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref _completionFailuresLeft) >= 0
            ? throw new SimulatedDeadlockException()
            : inner.CompleteNodeAsync(completion, plan, cancellationToken);

    public Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken) => inner.CancelRunAsync(runId, ownerId, at, cancellationToken);

    private sealed class SimulatedDeadlockException() : DbException("deadlock detected (simulated)");
}
