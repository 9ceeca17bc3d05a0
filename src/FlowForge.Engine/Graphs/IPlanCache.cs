namespace FlowForge.Engine.Graphs;

/// <summary>Compiled plans by flow version. Versions never change once saved, so entries need no expiry, only eviction.</summary>
public interface IPlanCache
{
    ValueTask<ExecutionPlan> GetOrAddAsync(FlowVersionKey key, Func<CancellationToken, Task<ExecutionPlan>> compile, CancellationToken cancellationToken);

    /// <summary>Drops every cached version of a flow (on delete, or when a newer version is saved).</summary>
    ValueTask InvalidateAsync(Guid flowId, CancellationToken cancellationToken);
}
