using System.Security.Claims;
using System.Text.Encodings.Web;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// Signs in requests bearing a named API token (<c>ff_…</c>). The token is read from the database on every request, so a
/// deleted token is refused by every process at once; its last use is recorded at most once a minute.
/// </summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IApiTokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string TokenIdClaim = "api_token";

    private static readonly TimeSpan RecordUseEvery = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = AuthSchemes.BearerToken(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiTokenSecret.HashOf(secret);
        var token = hash is null ? null : await tokens.FindApiTokenAsync(hash, Context.RequestAborted);
        var now = TimeProvider.GetUtcNow();
        if (token is null || token.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        if (token.LastUsedAt is not { } lastUsed || lastUsed <= now - RecordUseEvery)
        {
            try
            {
                await tokens.TouchApiTokenAsync(token.Id, now, now - RecordUseEvery, Context.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The last-use time is informational: a failed write must not fail the request it describes.
                LogTouchFailed(Logger, e);
            }
        }

        var identity = new ClaimsIdentity(
            [new Claim("sub", token.UserId.ToString()), new Claim(TokenIdClaim, token.Id.ToString())],
            Scheme.Name, "sub", null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording an API token's last use failed")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception);
}
