namespace FlowForge.Engine.Storage;

/// <summary>
/// Whether flows are active, and the firings of their schedule triggers. A firing is claimed by inserting its row
/// (unique per flow, node and due time), so of several processes that see the same due time exactly one wins.
/// </summary>
public interface ITriggerStore
{
    /// <summary>Activates or deactivates a flow of the owner; null when it does not exist for them.</summary>
    Task<FlowActivation?> SetActiveAsync(Guid flowId, Guid ownerId, bool active, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Whether a flow of the owner is active; null when it does not exist for them.</summary>
    Task<FlowActivation?> GetActivationAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> active flows with their newest version, for the scheduler.</summary>
    Task<IReadOnlyList<ActiveFlow>> ListActiveFlowsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The latest due time claimed for a trigger node (fired or passed over); null when none was.</summary>
    Task<DateTimeOffset?> LastFiringAsync(Guid flowId, string nodeId, CancellationToken cancellationToken);

    /// <summary>Inserts the firing's row; false when another process (or an earlier pass) claimed that due time first.</summary>
    Task<bool> TryClaimFiringAsync(TriggerFiring firing, CancellationToken cancellationToken);

    /// <summary>Records the run a claimed firing started.</summary>
    Task SetFiringRunAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, Guid runId, CancellationToken cancellationToken);
}
