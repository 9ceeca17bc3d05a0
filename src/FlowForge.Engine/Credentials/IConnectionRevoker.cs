namespace FlowForge.Engine.Credentials;

/// <summary>Tells the provider a connection's tokens are no longer wanted (its revoke URL), before the connection is deleted.</summary>
public interface IConnectionRevoker
{
    /// <summary>Best effort: a provider that is down or refuses does not stop the deletion; returns whether it confirmed.</summary>
    Task<bool> RevokeAsync(ConnectionRecord connection, CancellationToken cancellationToken);
}
