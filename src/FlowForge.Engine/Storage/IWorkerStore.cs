using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>
/// Worker processes and the leases of the nodes they execute. A worker beats at a short interval: one
/// transaction records that it is alive and extends the lease of every node it holds, however many. A worker
/// that stops beating is taken over by the others at once, without waiting for its leases to end.
/// </summary>
public interface IWorkerStore
{
    /// <summary>
    /// Registers the worker (first call) or records its beat, and extends to <paramref name="leaseUntil"/> the
    /// lease of every Running node it holds. Returns how many leases were extended.
    /// </summary>
    Task<int> HeartbeatAsync(Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over every worker whose last beat is older than <paramref name="silentSince"/>: its Running nodes
    /// become Ready at a new version (counted as interrupted) with fresh messages through the outbox, and its
    /// row is removed. Exactly one caller takes over a given worker.
    /// </summary>
    Task<WorkerTakeover> TakeOverSilentWorkersAsync(DateTimeOffset silentSince, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a claim back after a failure between the claim and the completion: the node returns to Ready (or
    /// to its durable timer when the claim resumed one) at the next version, owned by no worker. Returns the
    /// message that claims it again, or null when the claim was no longer current. An <paramref name="interrupted"/>
    /// release counts toward the node's interruptions (the failure was not a passing one).
    /// </summary>
    Task<WorkMessage?> ReleaseClaimAsync(WorkMessage message, ClaimedNode claim, bool interrupted, DateTimeOffset now, CancellationToken cancellationToken);
}
