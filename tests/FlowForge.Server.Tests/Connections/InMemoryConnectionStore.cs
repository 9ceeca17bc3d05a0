using System.Collections.Concurrent;
using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Tests.Connections;

/// <summary>A test double of <see cref="IConnectionStore"/>: connections in a dictionary, with the version check of the real store.</summary>
public sealed class InMemoryConnectionStore : IConnectionStore
{
    private readonly ConcurrentDictionary<Guid, ConnectionRecord> _connections = new();
    private readonly Lock _gate = new();

    public Task AddConnectionAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        if (!_connections.TryAdd(connection.Id, connection))
        {
            throw new InvalidOperationException($"Connection {connection.Id} exists.");
        }

        return Task.CompletedTask;
    }

    public Task<ConnectionRecord?> GetConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        Task.FromResult(_connections.TryGetValue(connectionId, out var c) && c.OwnerId == ownerId ? c : null);

    public Task<IReadOnlyList<ConnectionRecord>> ListConnectionsAsync(Guid ownerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConnectionRecord>>([.. _connections.Values.Where(c => c.OwnerId == ownerId).OrderBy(c => c.Name, StringComparer.Ordinal)]);

    public Task<bool> UpdateConnectionAsync(ConnectionRecord connection, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connection.Id, out var stored) || stored.OwnerId != connection.OwnerId || stored.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _connections[connection.Id] = connection;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_connections.TryGetValue(connectionId, out var c) && c.OwnerId == ownerId && _connections.TryRemove(connectionId, out _));
        }
    }

    /// <summary>Every connection of every owner.</summary>
    public IReadOnlyList<ConnectionRecord> All => [.. _connections.Values];
}
