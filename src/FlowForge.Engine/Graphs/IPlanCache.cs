namespace FlowForge.Engine.Graphs;

/// <summary>
/// Compiled plans by flow version, and each flow's head (owner and newest version) as last read. Versions never change
/// once saved, so plans need no expiry, only eviction; a head changes with every save, so it is kept for at most
/// <see cref="PlanCacheOptions.FlowHeadMaxAge"/> and dropped by <see cref="InvalidateAsync"/>.
/// </summary>
public interface IPlanCache
{
    ValueTask<ExecutionPlan> GetOrAddAsync(FlowVersionKey key, Func<CancellationToken, Task<ExecutionPlan>> compile, CancellationToken cancellationToken);

    /// <summary>
    /// Drops every cached version of a flow and its head (on delete, when a newer version is saved), here
    /// and in every other process that shares the cache.
    /// </summary>
    ValueTask InvalidateAsync(Guid flowId, CancellationToken cancellationToken);

    /// <summary>The flow's head, when kept and not older than <see cref="PlanCacheOptions.FlowHeadMaxAge"/>.</summary>
    bool TryGetHead(Guid flowId, out FlowHead head);

    /// <summary>Taken before reading a head from the store, and handed to <see cref="KeepHead"/> with what was read.</summary>
    long HeadStamp { get; }

    /// <summary>
    /// Keeps a head read from the store, unless an invalidation came after <paramref name="stamp"/> was taken (the read
    /// may then be older than the change that was invalidated).
    /// </summary>
    void KeepHead(FlowHead head, long stamp);
}
