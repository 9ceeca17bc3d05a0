using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace FlowForge.Testing;

/// <summary>
/// An OAuth 2.0 authorization server on 127.0.0.1 (random port) for tests, strict where real providers are:
/// <list type="bullet">
/// <item><c>GET /authorize</c> records the request (<see cref="AuthorizeRequests"/>), checks <c>response_type=code</c>, the
/// client id, a redirect URI and, when <see cref="RequirePkce"/>, an S256 <c>code_challenge</c>; then redirects (302) to
/// <c>redirect_uri?code=…&amp;state=…</c>, or with <c>error=access_denied</c> after <see cref="DenyNextAuthorization"/>.</item>
/// <item><c>POST /token</c> (client credentials in the body or a basic header): <c>authorization_code</c> verifies the
/// code (single use), redirect URI and PKCE verifier against the challenge; <c>refresh_token</c> counts
/// <see cref="RefreshCount"/>, rotates the refresh token when <see cref="RotateRefreshTokens"/> (the old one then
/// refused), and refuses revoked tokens with <c>invalid_grant</c>. Access tokens live <see cref="ExpiresInSeconds"/>.
/// <see cref="FailTokenRequestsWith"/> makes it answer a status (503) instead.</item>
/// <item><c>POST /revoke</c> (RFC 7009 form, or <c>?token=</c>) revokes a token and records it in <see cref="Revoked"/>.</item>
/// <item><c>GET /api/test</c> answers 200 with a valid, unexpired bearer token and 401 otherwise.</item>
/// </list>
/// Point a provider at it with <c>Connections:Providers:&lt;id&gt;:AuthorizeUrl/TokenUrl/RevokeUrl</c> = <see cref="Url"/>.
/// </summary>
public sealed class LocalOAuthProvider : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _revokedReasons = new(StringComparer.Ordinal);
    private int _refreshCount;
    private LocalHttpServer _server = null!;

    private LocalOAuthProvider()
    {
    }

    public string ClientId { get; init; } = "local-client";

    public string ClientSecret { get; init; } = "local-client-secret";

    public bool RequirePkce { get; set; } = true;

    /// <summary>Lifetime of issued access tokens; 0 issues tokens that are already expired.</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>The scope granted; null echoes the requested one.</summary>
    public string? GrantedScope { get; set; }

    /// <summary>When set, /token answers this status (with an empty JSON object) to every request.</summary>
    public int? FailTokenRequestsWith { get; set; }

    /// <summary>The next /authorize answers <c>error=access_denied</c>, as when the user clicks "Cancel".</summary>
    public bool DenyNextAuthorization { get; set; }

    public int RefreshCount => Volatile.Read(ref _refreshCount);

    /// <summary>Query parameters of every /authorize request.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> AuthorizeRequests { get; } = new();

    /// <summary>Form fields of every /token request.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> TokenRequests { get; } = new();

    /// <summary>Tokens revoked through /revoke.</summary>
    public ConcurrentQueue<string> Revoked { get; } = new();

    /// <summary>Every request received, as <see cref="LocalHttpServer"/> records them.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests => _server.Requests;

    public Uri Address => _server.Address;

    public string Url(string path) => _server.Url(path).ToString();

    /// <summary>Refuses this refresh token from now on with <c>invalid_grant</c> and <paramref name="reason"/>.</summary>
    public void RevokeRefreshToken(string refreshToken, string reason = "Token has been expired or revoked.") => _revokedReasons[refreshToken] = reason;

    /// <summary>Refuses every refresh token issued so far.</summary>
    public void RevokeAllRefreshTokens(string reason = "Token has been expired or revoked.")
    {
        foreach (var token in _refreshTokens.Keys)
        {
            _revokedReasons[token] = reason;
        }
    }

    /// <summary>Whether the refresh token is still accepted.</summary>
    public bool IsLive(string refreshToken) => _refreshTokens.ContainsKey(refreshToken) && !_revokedReasons.ContainsKey(refreshToken);

    /// <summary>Issues a token pair directly, as a completed authorization would (for tests that need a connection without the round trip).</summary>
    public (string AccessToken, string RefreshToken) IssueTokens(int? expiresInSeconds = null)
    {
        var access = NewToken("at");
        var refresh = NewToken("rt");
        _accessTokens[access] = DateTimeOffset.UtcNow.AddSeconds(expiresInSeconds ?? ExpiresInSeconds);
        _refreshTokens[refresh] = access;
        return (access, refresh);
    }

    public static async Task<LocalOAuthProvider> StartAsync(Action<LocalOAuthProvider>? configure = null)
    {
        var provider = new LocalOAuthProvider();
        configure?.Invoke(provider);
        provider._server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/authorize", (Func<HttpContext, IResult>)provider.Authorize);
            app.MapPost("/token", (Func<HttpContext, Task<IResult>>)provider.TokenAsync);
            app.MapPost("/revoke", (Func<HttpContext, Task<IResult>>)provider.RevokeAsync);
            app.MapGet("/api/test", (Func<HttpContext, IResult>)provider.Test);
        });
        return provider;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        AuthorizeRequests.Enqueue(query);
        var redirect = query.GetValueOrDefault("redirect_uri");
        if (query.GetValueOrDefault("response_type") != "code" || query.GetValueOrDefault("client_id") != ClientId
            || redirect is null || !Uri.TryCreate(redirect, UriKind.Absolute, out _) || !query.TryGetValue("state", out var state))
        {
            return Results.BadRequest("invalid authorization request");
        }

        var challenge = query.GetValueOrDefault("code_challenge");
        if (RequirePkce && (challenge is null || query.GetValueOrDefault("code_challenge_method") != "S256"))
        {
            return Results.BadRequest("PKCE with S256 is required");
        }

        if (DenyNextAuthorization)
        {
            DenyNextAuthorization = false;
            return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = state }));
        }

        var code = NewToken("code");
        _codes[code] = new IssuedCode(redirect, challenge, query.GetValueOrDefault("scope"));
        return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state }));
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        TokenRequests.Enqueue(form);
        if (FailTokenRequestsWith is { } status)
        {
            return Results.Json(new { }, statusCode: status);
        }

        if (!ClientAuthenticated(context.Request, form))
        {
            return Error("invalid_client", "Client authentication failed.", 401);
        }

        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
            {
                if (form.GetValueOrDefault("code") is not { } code || !_codes.TryRemove(code, out var issued))
                {
                    return Error("invalid_grant", "The authorization code is unknown or was already used.");
                }

                if (form.GetValueOrDefault("redirect_uri") != issued.RedirectUri)
                {
                    return Error("invalid_grant", "redirect_uri does not match the authorization request.");
                }

                if (issued.Challenge is not null
                    && (form.GetValueOrDefault("code_verifier") is not { } verifier
                        || WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != issued.Challenge))
                {
                    return Error("invalid_grant", "PKCE verification failed.");
                }

                return Grant(GrantedScope ?? issued.Scope, includeRefresh: true);
            }

            case "refresh_token":
            {
                Interlocked.Increment(ref _refreshCount);
                var presented = form.GetValueOrDefault("refresh_token") ?? "";
                if (_revokedReasons.TryGetValue(presented, out var reason) || !_refreshTokens.ContainsKey(presented))
                {
                    return Error("invalid_grant", reason ?? "The refresh token is unknown.");
                }

                if (RotateRefreshTokens)
                {
                    _refreshTokens.TryRemove(presented, out _);
                    _revokedReasons[presented] = "The refresh token was rotated and may not be used again.";
                }

                return Grant(GrantedScope, includeRefresh: RotateRefreshTokens);
            }

            default:
                return Error("unsupported_grant_type", "Only authorization_code and refresh_token are supported.");
        }
    }

    private async Task<IResult> RevokeAsync(HttpContext context)
    {
        var token = context.Request.Query["token"].ToString();
        if (token.Length == 0 && context.Request.HasFormContentType)
        {
            token = (await context.Request.ReadFormAsync())["token"].ToString();
        }

        if (token.Length == 0)
        {
            return Error("invalid_request", "token is required.");
        }

        Revoked.Enqueue(token);
        _revokedReasons[token] = "The token was revoked.";
        _accessTokens.TryRemove(token, out _);
        return Results.Ok();
    }

    private IResult Test(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
            && _accessTokens.TryGetValue(header["Bearer ".Length..], out var expires) && expires > DateTimeOffset.UtcNow
            ? Results.Json(new { ok = true })
            : Results.Json(new { error = "invalid_token" }, statusCode: 401);
    }

    private IResult Grant(string? scope, bool includeRefresh)
    {
        var access = NewToken("at");
        _accessTokens[access] = DateTimeOffset.UtcNow.AddSeconds(ExpiresInSeconds);
        string? refresh = null;
        if (includeRefresh)
        {
            refresh = NewToken("rt");
            _refreshTokens[refresh] = access;
        }

        var body = new Dictionary<string, object?> { ["access_token"] = access, ["token_type"] = "Bearer", ["expires_in"] = ExpiresInSeconds };
        if (refresh is not null)
        {
            body["refresh_token"] = refresh;
        }

        if (scope is not null)
        {
            body["scope"] = scope;
        }

        return Results.Json(body);
    }

    private bool ClientAuthenticated(HttpRequest request, Dictionary<string, string> form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':', 2);
            return pair.Length == 2 && Uri.UnescapeDataString(pair[0]) == ClientId && Uri.UnescapeDataString(pair[1]) == ClientSecret;
        }

        return form.GetValueOrDefault("client_id") == ClientId && form.GetValueOrDefault("client_secret") == ClientSecret;
    }

    private static IResult Error(string error, string description, int status = 400) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private static string NewToken(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    private sealed record IssuedCode(string RedirectUri, string? Challenge, string? Scope);
}
