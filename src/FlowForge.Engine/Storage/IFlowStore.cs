namespace FlowForge.Engine.Storage;

/// <summary>Flow definitions and their versions. Every method is scoped to an owner: another owner's flow does not exist.</summary>
public interface IFlowStore
{
    /// <summary>Saves version 1 of a new flow.</summary>
    Task<FlowRecord> CreateAsync(Guid ownerId, string name, string json, CancellationToken cancellationToken);

    /// <summary>Saves a new version; null when the flow does not exist for this owner.</summary>
    Task<FlowRecord?> AddVersionAsync(Guid flowId, Guid ownerId, string name, string json, CancellationToken cancellationToken);

    /// <summary>The given version, or the newest when <paramref name="version"/> is null.</summary>
    Task<FlowRecord?> GetAsync(Guid flowId, Guid ownerId, int? version, CancellationToken cancellationToken);

    /// <summary>A version by id alone, for workers that execute a pinned version (no owner check: the run was already authorised).</summary>
    Task<FlowRecord?> GetVersionAsync(Guid flowId, int version, CancellationToken cancellationToken);

    /// <summary>
    /// The owner's flows, newest first, cursor paged. With <paramref name="nameContains"/>, only those whose name contains it,
    /// ignoring case; the cursor of a filtered page only continues the same filter.
    /// </summary>
    Task<Page<FlowSummary>> ListAsync(Guid ownerId, PageRequest page, string? nameContains, CancellationToken cancellationToken);

    /// <summary>Hides the flow from its owner; versions stay for the runs that pinned them.</summary>
    Task<bool> DeleteAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken);
}
