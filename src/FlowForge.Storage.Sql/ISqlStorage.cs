using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Every storage seam on SQL: one database (<see cref="SqlStorage"/>) or runs spread over several
/// (<see cref="ShardedSqlStorage"/>). The host resolves it to migrate at start-up.
/// </summary>
public interface ISqlStorage : IFlowStore, IUserStore, IAuthStore, IRunStore, IChildRunStore, ISignalStore, IRunQueries, IOutboxStore, IRecoveryStore, IWorkerStore, ITriggerStore, IFiringRecoveryStore, IScheduleStore, IWebhookKeyStore, IApiTokenStore, IConnectionStore, IOAuthStateStore, ILockStore, INotificationStore, IDigestStore, IStorageHealth, IBlobStore, IAsyncDisposable
{
    /// <summary>Brings the schema to this build's version; safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
