using System.Text.Json.Nodes;
using FlowForge.Server.Connections.Providers;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// The app FlowForge is registered as at a provider, for one connection: the provider's own (URLs and client from the
/// catalog) or, for the generic provider, the one the user entered (URLs and client id in the connection's settings,
/// the client secret in its sealed secret).
/// </summary>
internal sealed record OAuthApp(ConnectionProvider Provider, string? AuthorizeUrl, string TokenUrl, string? RevokeUrl, string ClientId, string? ClientSecret)
{
    /// <summary>The app for a connection of <paramref name="provider"/>; null when the provider has no client configured.</summary>
    public static OAuthApp? For(ConnectionProvider provider, string? settingsJson, IReadOnlyDictionary<string, string> secret)
    {
        if (!provider.Generic)
        {
            return provider.ClientId is null || provider.TokenUrl is null
                ? null
                : new OAuthApp(provider, provider.AuthorizeUrl, provider.TokenUrl, provider.RevokeUrl, provider.ClientId, provider.ClientSecret);
        }

        var settings = settingsJson is null ? null : JsonNode.Parse(settingsJson) as JsonObject;
        var tokenUrl = (string?)settings?["tokenUrl"];
        var clientId = (string?)settings?["clientId"];
        return tokenUrl is null || clientId is null
            ? null
            : new OAuthApp(provider, (string?)settings?["authorizeUrl"], tokenUrl, (string?)settings?["revokeUrl"], clientId, secret.GetValueOrDefault(OAuthSecretFields.ClientSecret));
    }

    public override string ToString() => $"{Provider.Id} client {ClientId}";
}
