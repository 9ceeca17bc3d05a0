namespace FlowForge.Engine.Storage;

/// <summary>
/// Schedule firings claimed but never started: the process that claimed a due time stopped before starting its run.
/// Any process may take such a firing over once its claim is older than a lease, and the one whose take-over wins
/// starts the run, so a due time is never lost.
/// </summary>
public interface IFiringRecoveryStore
{
    /// <summary>Up to <paramref name="limit"/> firings of active flows claimed before <paramref name="claimedBefore"/> to start a run, with no run recorded.</summary>
    Task<IReadOnlyList<UnstartedFiring>> ListUnstartedFiringsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Claims the firing again at <paramref name="now"/>; false when another process took it over or started it first.</summary>
    Task<bool> TryReclaimFiringAsync(UnstartedFiring firing, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks a claimed firing as passed over: it will get no run (its flow or trigger is gone).</summary>
    Task PassOverFiringAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, CancellationToken cancellationToken);
}
