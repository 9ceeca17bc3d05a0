using System.Security.Cryptography;
using FlowForge.Engine.Credentials;
using FlowForge.Server.Connections.Providers;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// Revokes an OAuth connection's tokens at its provider in the shape its data file names (<see cref="RevokeStyle"/>):
/// the refresh token when there is one (which ends the grant), else the access token. Best effort, bounded by
/// <c>Connections:RevokeTimeoutSeconds</c>.
/// </summary>
internal sealed class OAuthConnectionRevoker(
    ISecretProtector protector,
    ConnectionProviderCatalog catalog,
    OAuthTokenClient tokens,
    ILogger<OAuthConnectionRevoker> logger) : IConnectionRevoker
{
    public async Task<bool> RevokeAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        if (connection.Kind != ConnectionKind.OAuth2 || catalog.Find(connection.Provider) is not { } provider)
        {
            return false;
        }

        IReadOnlyDictionary<string, string> secret;
        try
        {
            secret = protector.Unprotect(connection.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            return false;
        }

        if (OAuthApp.For(provider, connection.SettingsJson, secret) is not { RevokeUrl: not null } app)
        {
            return false;
        }

        // GitHub's grant endpoint and Slack's auth.revoke take the access token; RFC 7009 servers end the grant with the refresh token.
        var useRefresh = provider.RevokeStyle is RevokeStyle.Rfc7009 or RevokeStyle.TokenQuery
            && secret.TryGetValue(OAuthSecretFields.RefreshToken, out var refresh) && refresh.Length > 0;
        var token = useRefresh ? secret[OAuthSecretFields.RefreshToken] : secret.GetValueOrDefault(OAuthSecretFields.AccessToken);
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var confirmed = await tokens.RevokeAsync(app, token, useRefresh ? "refresh_token" : "access_token", cancellationToken);
        if (!confirmed)
        {
            logger.LogInformation("{Provider} did not confirm revoking the tokens of connection {ConnectionId}; it is deleted anyway.", provider.Id, connection.Id);
        }

        return confirmed;
    }
}
