namespace FlowForge.Engine.Credentials;

/// <summary>
/// Renews a connection's OAuth access token with its refresh token: once for many callers at a time (single-flight in
/// the process, and a lock shared by every process), storing a rotated refresh token, and marking the connection
/// <see cref="ConnectionStatus.Broken"/> with the provider's reason when the provider refuses.
/// </summary>
public interface IConnectionRefresher
{
    /// <summary>
    /// The connection after a refresh. Without <paramref name="force"/> it refreshes only when the access token expires
    /// within the refresh margin; with it (after a 401), unless the stored version is already newer than <paramref name="connection"/>'s (someone refreshed meanwhile).
    /// Throws <see cref="ConnectionUnusableException"/> when the connection is broken or the refresh is refused.
    /// </summary>
    Task<ConnectionRecord> RefreshAsync(ConnectionRecord connection, bool force, CancellationToken cancellationToken);
}
