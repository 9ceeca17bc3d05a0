using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using FlowForge.Server.Connections.Providers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// The authorization-code round trip with PKCE (S256). Start stores a single-use state row (any API process may receive
/// the callback) bound to the starting browser by a nonce cookie; the callback takes the row, checks the nonce,
/// exchanges the code and stores the connection with its tokens sealed.
/// </summary>
internal sealed class OAuthAuthorizations(
    IOAuthStateStore states,
    IConnectionStore connections,
    ISecretProtector protector,
    ConnectionProviderCatalog catalog,
    OAuthTokenClient tokens,
    IOptions<OAuthOptions> options,
    TimeProvider time,
    ILogger<OAuthAuthorizations> logger)
{
    private const string VerifierAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    private const int VerifierLength = 64;

    private const string PendingVerifier = "verifier";
    private const string PendingName = "name";
    private const string PendingScopes = "scopes";
    private const string PendingSettings = "settings";
    private const string PendingPopup = "popup";

    /// <summary>The name of the cookie that binds <paramref name="state"/> to the browser that started it.</summary>
    public static string BindingCookieName(string state) => "ff_oauth_" + HashOf(state)[..16];

    /// <summary>Stores the pending authorization and returns the provider's authorization URL and the browser binding nonce for the cookie.</summary>
    public async Task<(string AuthorizeUrl, string State, string Nonce)> StartAsync(OAuthStart start, ConnectionProvider provider, Guid userId, string redirectUri, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await states.PurgeExpiredOAuthStatesAsync(now, cancellationToken);

        var state = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var verifier = provider.Pkce ? RandomNumberGenerator.GetString(VerifierAlphabet, VerifierLength) : null;

        var pending = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PendingScopes] = string.Join(' ', start.Scopes),
            [PendingPopup] = start.Popup ? "1" : "0",
        };
        if (verifier is not null)
        {
            pending[PendingVerifier] = verifier;
        }

        if (start.Name is not null)
        {
            pending[PendingName] = start.Name;
        }

        if (start.Generic is { } generic)
        {
            pending[PendingSettings] = new JsonObject
            {
                ["authorizeUrl"] = generic.AuthorizeUrl,
                ["tokenUrl"] = generic.TokenUrl,
                ["revokeUrl"] = generic.RevokeUrl,
                ["clientId"] = generic.ClientId,
            }.ToJsonString();
            pending[OAuthSecretFields.ClientSecret] = generic.ClientSecret;
        }

        await states.AddOAuthStateAsync(new OAuthStateRecord(
            HashOf(state), userId, provider.Id, HashOf(nonce), redirectUri, start.ConnectionId, protector.Protect(pending),
            now, now.AddMinutes(options.Value.OAuthStateMinutes)), cancellationToken);

        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["response_type"] = "code",
            ["client_id"] = start.Generic?.ClientId ?? provider.ClientId,
            ["redirect_uri"] = redirectUri,
            ["state"] = state,
        };
        if (start.Scopes.Count > 0)
        {
            query["scope"] = string.Join(provider.ScopeSeparator, start.Scopes);
        }

        if (verifier is not null)
        {
            query["code_challenge"] = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            query["code_challenge_method"] = "S256";
        }

        foreach (var (key, value) in provider.AuthorizeParams)
        {
            query.TryAdd(key, value);
        }

        var authorizeUrl = QueryHelpers.AddQueryString(start.Generic?.AuthorizeUrl ?? provider.AuthorizeUrl!, query);
        return (authorizeUrl, state, nonce);
    }

    /// <summary>Completes the authorization the provider sent back; the outcome names what went wrong and stores nothing then.</summary>
    public async Task<OAuthCompletion> CompleteAsync(string? state, string? code, string? error, string? bindingNonce, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || state.Length > 200)
        {
            return OAuthCompletion.Failed("invalid_state", "The sign-in answer has no valid state. Start connecting again from the Connections page.");
        }

        var pending = await states.TakeOAuthStateAsync(HashOf(state), cancellationToken);
        if (pending is null)
        {
            return OAuthCompletion.Failed("invalid_state", "This sign-in is unknown or was already used. Start connecting again from the Connections page.");
        }

        IReadOnlyDictionary<string, string> data;
        try
        {
            data = protector.Unprotect(pending.ProtectedData);
        }
        catch (CryptographicException)
        {
            return OAuthCompletion.Failed("invalid_state", "This sign-in can no longer be read (the server's keys changed). Start connecting again.");
        }

        var popup = data.GetValueOrDefault(PendingPopup) == "1";
        if (pending.ExpiresAt <= time.GetUtcNow())
        {
            return OAuthCompletion.Failed("expired_state", $"This sign-in took longer than {options.Value.OAuthStateMinutes} minutes. Start connecting again.", popup);
        }

        if (string.IsNullOrEmpty(bindingNonce)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(bindingNonce)), Encoding.ASCII.GetBytes(pending.BindingHash)))
        {
            return OAuthCompletion.Failed("wrong_browser", "This sign-in was started in another browser (or its cookie was lost). Start connecting again in this browser.", popup);
        }

        if (!string.IsNullOrEmpty(error))
        {
            return error == "access_denied"
                ? OAuthCompletion.Failed("access_denied", "Access was not granted at the provider; nothing was connected.", popup)
                : OAuthCompletion.Failed("refused", $"The provider answered with an error ({Bounded(error)}); nothing was connected.", popup);
        }

        if (string.IsNullOrEmpty(code) || code.Length > options.Value.MaxFieldLength)
        {
            return OAuthCompletion.Failed("refused", "The provider sent no authorization code; nothing was connected.", popup);
        }

        if (catalog.Find(pending.Provider) is not { } provider)
        {
            return OAuthCompletion.Failed("refused", $"Provider '{pending.Provider}' is no longer configured on this server.", popup);
        }

        var clientSecret = data.GetValueOrDefault(OAuthSecretFields.ClientSecret);
        var settingsJson = data.GetValueOrDefault(PendingSettings);
        var app = OAuthApp.For(provider, settingsJson, clientSecret is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [OAuthSecretFields.ClientSecret] = clientSecret });
        if (app is null)
        {
            return OAuthCompletion.Failed("refused", $"{provider.DisplayName} has no client id configured (Connections:Providers:{provider.Id}:ClientId).", popup);
        }

        OAuthTokens granted;
        try
        {
            granted = await tokens.ExchangeCodeAsync(app, code, pending.RedirectUri, data.GetValueOrDefault(PendingVerifier), cancellationToken);
        }
        catch (OAuthRefusedException refused)
        {
            return OAuthCompletion.Failed("refused", $"{provider.DisplayName} refused the authorization code ({refused.Reason}); nothing was connected.", popup);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Exchanging an authorization code with {Provider} failed: {Reason}", provider.Id, ex.Message);
            return OAuthCompletion.Failed("unavailable", $"{provider.DisplayName} could not be reached to finish connecting; try again later.", popup);
        }

        var secret = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OAuthSecretFields.AccessToken] = granted.AccessToken,
            [OAuthSecretFields.TokenType] = granted.TokenType,
        };
        if (granted.RefreshToken is not null)
        {
            secret[OAuthSecretFields.RefreshToken] = granted.RefreshToken;
        }

        if (granted.IdToken is not null)
        {
            secret[OAuthSecretFields.IdToken] = granted.IdToken;
        }

        if (clientSecret is not null)
        {
            secret[OAuthSecretFields.ClientSecret] = clientSecret;
        }

        var now = time.GetUtcNow();
        var requested = data.GetValueOrDefault(PendingScopes, "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var scopes = granted.Scopes ?? requested;
        var expiresAt = granted.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
        var protectedSecret = protector.Protect(secret);

        if (pending.ConnectionId is { } existingId)
        {
            var existing = await connections.GetConnectionAsync(pending.UserId, existingId, cancellationToken);
            if (existing is null)
            {
                return OAuthCompletion.Failed("refused", "The connection to reconnect was deleted meanwhile; nothing was connected.", popup);
            }

            var updated = existing with
            {
                Name = data.GetValueOrDefault(PendingName) ?? existing.Name,
                ProtectedSecret = protectedSecret,
                Status = ConnectionStatus.Connected,
                StatusReason = null,
                Scopes = scopes,
                ExpiresAt = expiresAt,
                UpdatedAt = now,
                Version = existing.Version + 1,
                SettingsJson = settingsJson ?? existing.SettingsJson,
            };
            if (!await connections.UpdateConnectionAsync(updated, existing.Version, cancellationToken))
            {
                return OAuthCompletion.Failed("refused", "The connection changed while reconnecting; reconnect it again.", popup);
            }

            return new OAuthCompletion(existingId, null, null, popup);
        }

        var connection = new ConnectionRecord(
            Guid.CreateVersion7(), pending.UserId, data.GetValueOrDefault(PendingName) ?? provider.DisplayName, ConnectionKind.OAuth2, provider.Id,
            protectedSecret, ConnectionStatus.Connected, null, scopes, expiresAt, now, now, 1)
        {
            SettingsJson = settingsJson,
        };
        await connections.AddConnectionAsync(connection, cancellationToken);
        return new OAuthCompletion(connection.Id, null, null, popup);
    }

    public static string HashOf(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Bounded(string text) => text.Length <= 100 ? text : text[..100];
}
