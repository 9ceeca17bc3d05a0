using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// Starts and ends browser sessions. A session is a data-protected cookie ticket (the key ring is shared by every API
/// process) naming the user, a session id and the session's CSRF token; signing out revokes the session id through
/// <see cref="TokenRevocations"/>, so a copy of the cookie is refused by every process.
/// </summary>
internal sealed class SessionSignIn(TokenRevocations revocations, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Sets the session cookie and the readable CSRF cookie, revoking the session the request came with; returns the CSRF token.</summary>
    public async Task<string> SignInAsync(HttpContext context, UserRecord user)
    {
        // A new sign-in replaces the browser's session: the old ticket must not live on in a copy of the cookie.
        await RevokeCurrentAsync(context.User, context.RequestAborted);
        var csrf = Base64Token();
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", user.Id.ToString()),
            new Claim("email", user.Email),
            new Claim(SessionCookie.SessionIdClaim, Base64Token()),
            new Claim(SessionCookie.CsrfClaim, csrf),
            new Claim(SessionCookie.StartedClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], AuthSchemes.Session, "sub", null);
        await context.SignInAsync(AuthSchemes.Session, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        context.Response.Cookies.Append(SessionCookie.CsrfCookie, csrf, SessionCookie.CsrfCookieOptions(context.Request));
        return csrf;
    }

    /// <summary>Revokes the request's session (when it has one) on every process and clears both cookies.</summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await RevokeCurrentAsync(context.User, cancellationToken);
        await context.SignOutAsync(AuthSchemes.Session);
        context.Response.Cookies.Delete(SessionCookie.CsrfCookie, SessionCookie.CsrfCookieOptions(context.Request));
    }

    /// <summary>Refuses a session ticket that is past its maximum age or was signed out.</summary>
    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        principal.FindFirstValue(SessionCookie.SessionIdClaim) is { Length: > 0 } sessionId
        && principal.FindFirstValue(SessionCookie.CsrfClaim) is { Length: > 0 }
        && StartedAt(principal) + MaxAge > time.GetUtcNow()
        && !await revocations.IsRevokedAsync(sessionId, cancellationToken);

    private async Task RevokeCurrentAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Identity?.AuthenticationType == AuthSchemes.Session && user.FindFirstValue(SessionCookie.SessionIdClaim) is { Length: > 0 } sessionId)
        {
            // Kept until the longest the session could have lived; the maintenance purge forgets it after.
            await revocations.RevokeAsync(sessionId, StartedAt(user) + MaxAge, cancellationToken);
        }
    }

    private TimeSpan MaxAge => TimeSpan.FromHours(options.Value.SessionMaxHours);

    private static DateTimeOffset StartedAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(SessionCookie.StartedClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;

    private static string Base64Token() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
