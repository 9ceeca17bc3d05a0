using System.Collections.Concurrent;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;

namespace FlowForge.Tests.Testing;

/// <summary>Connections kept in memory, each readable only with its owner's id, for engine tests that need a connection's rate limit.</summary>
public sealed class MemoryConnectionStore : IConnectionStore
{
    private readonly ConcurrentDictionary<Guid, ConnectionRecord> _connections = new();

    /// <summary>Adds a connection of <see cref="EngineHarness.Owner"/> limited to <paramref name="policy"/>; returns its id.</summary>
    public Guid AddLimited(string name, RateLimitPolicy? policy)
    {
        var now = DateTimeOffset.UtcNow;
        var connection = new ConnectionRecord(
            Guid.NewGuid(), EngineHarness.Owner, name, ConnectionKind.ApiKey, "test", [], ConnectionStatus.Connected, null, [], null, now, now, 1)
        {
            RateLimit = policy,
        };
        _connections[connection.Id] = connection;
        return connection.Id;
    }

    public Task AddConnectionAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        _connections[connection.Id] = connection;
        return Task.CompletedTask;
    }

    public Task<ConnectionRecord?> GetConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        Task.FromResult(_connections.TryGetValue(connectionId, out var c) && c.OwnerId == ownerId ? c : null);

    public Task<IReadOnlyList<ConnectionRecord>> ListConnectionsAsync(Guid ownerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConnectionRecord>>([.. _connections.Values.Where(c => c.OwnerId == ownerId).OrderBy(c => c.Name, StringComparer.Ordinal)]);

    public Task<bool> UpdateConnectionAsync(ConnectionRecord connection, long expectedVersion, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(connection.Id, out var stored) || stored.Version != expectedVersion || stored.OwnerId != connection.OwnerId)
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(_connections.TryUpdate(connection.Id, connection, stored));
    }

    public Task<bool> DeleteConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        Task.FromResult(_connections.TryGetValue(connectionId, out var c) && c.OwnerId == ownerId && _connections.TryRemove(connectionId, out _));
}
