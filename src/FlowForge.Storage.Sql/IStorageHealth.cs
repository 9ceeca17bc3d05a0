namespace FlowForge.Storage.Sql;

/// <summary>For health checks: whether the store can serve requests.</summary>
public interface IStorageHealth
{
    /// <summary>True when the database answers, its writer runs, and its schema is at the version this build expects.</summary>
    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);
}
