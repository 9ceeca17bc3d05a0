using FlowForge.Engine.Credentials;

namespace FlowForge.Storage.Sql;

/// <summary>Connections live beside the accounts, on shard 0.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task AddConnectionAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        Home.AddConnectionAsync(connection, cancellationToken);

    public Task<ConnectionRecord?> GetConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        Home.GetConnectionAsync(ownerId, connectionId, cancellationToken);

    public Task<IReadOnlyList<ConnectionRecord>> ListConnectionsAsync(Guid ownerId, CancellationToken cancellationToken) =>
        Home.ListConnectionsAsync(ownerId, cancellationToken);

    public Task<bool> UpdateConnectionAsync(ConnectionRecord connection, long expectedVersion, CancellationToken cancellationToken) =>
        Home.UpdateConnectionAsync(connection, expectedVersion, cancellationToken);

    public Task<bool> DeleteConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        Home.DeleteConnectionAsync(ownerId, connectionId, cancellationToken);
}
