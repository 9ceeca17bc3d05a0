namespace FlowForge.Engine.Credentials;

/// <summary>Connections of every user, each readable and changeable only with its owner's id.</summary>
public interface IConnectionStore
{
    Task AddConnectionAsync(ConnectionRecord connection, CancellationToken cancellationToken);

    /// <summary>The owner's connection; null when it does not exist or belongs to someone else.</summary>
    Task<ConnectionRecord?> GetConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken);

    /// <summary>The owner's connections, by name.</summary>
    Task<IReadOnlyList<ConnectionRecord>> ListConnectionsAsync(Guid ownerId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the connection when its stored version is still <paramref name="expectedVersion"/> (the record's
    /// <see cref="ConnectionRecord.Version"/> must be a new value); false when it changed meanwhile or was deleted.
    /// </summary>
    Task<bool> UpdateConnectionAsync(ConnectionRecord connection, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes the owner's connection; false when there was none.</summary>
    Task<bool> DeleteConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken);
}
