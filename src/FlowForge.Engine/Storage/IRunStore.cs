using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>
/// The write side of runs. Each method is one transaction: a state change and the work messages it causes
/// are committed together (outbox), so a crash between them loses nothing.
/// </summary>
public interface IRunStore
{
    /// <summary>Writes the run, its node instances (trigger Ready) and a StartFlow message; returns the earlier run for a reused idempotency key.</summary>
    Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken);

    /// <summary>
    /// The optimistic claim: succeeds only if the node instance still has <c>message.Version</c> and is
    /// Ready (or Running with an expired lease or a due timer). Null when another worker has it. The node is
    /// then held by <paramref name="workerId"/>, whose heartbeats extend its lease (<see cref="IWorkerStore"/>).
    /// A <see cref="StoreUnavailableException"/> carrying a claim means the claim committed but its reads failed.
    /// </summary>
    Task<ClaimedNode?> TryClaimAsync(WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Records a node's end and, in the same transaction, makes unblocked children Ready with their messages and finishes the run when it is done.</summary>
    Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken);

    /// <summary>Cancels a run that is not final: Pending, Ready and waiting nodes become Cancelled. Null when the run does not exist for the owner.</summary>
    Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Reopens a Failed or Cancelled run of <paramref name="plan"/> (its pinned flow version): Failed and Cancelled nodes,
    /// and the nodes skipped because of them, are made runnable again with their join counters recomputed from the nodes
    /// that keep their results (those never run again); the run's attempt number goes up. Null when the run does not
    /// exist for the owner.
    /// </summary>
    Task<ReopenResult?> ReopenRunAsync(Guid runId, Guid? ownerId, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken);
    /// <summary>Deletes a finished run: its row, input, node instances and attempts. Its blobs are the caller's to delete next.</summary>
    Task<RunDeletion> DeleteRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken);
}
