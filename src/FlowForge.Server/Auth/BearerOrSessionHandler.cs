using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// The default scheme (<see cref="AuthSchemes.Default"/>): a bearer JWT this process has checked before is signed in here,
/// asking only whether it has been revoked since; any other request is handed to the scheme <see cref="AuthSchemes.Select"/>
/// picks (the JWT bearer handler, the API token handler or the session cookie), and so are a sign-in and a sign-out.
/// Challenges and refusals go to the JWT bearer handler, so every scheme answers a missing or bad credential alike (401
/// with WWW-Authenticate: Bearer).
/// </summary>
/// <remarks>
/// Signing in a checked token here rather than in the JWT bearer handler's events spares each request a second handler,
/// its context objects and a second pass through the authentication service, which made up most of a cached token's cost.
/// </remarks>
internal sealed class BearerOrSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokens validated, TokenRevocations revocations)
    : SignInAuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = AuthSchemes.BearerTokenText(Request);
        if (!token.IsEmpty && validated.Find(token) is { } known)
        {
            var checking = CheckedBeforeAsync(known, validated, revocations, Context.RequestAborted);
            if (!checking.IsCompletedSuccessfully)
            {
                return AfterCheckAsync(checking, known.SignedIn);
            }

            // Not revoked (most requests): the token's own sign-in, made when it was checked, is the answer.
            return checking.Result is { } refusal ? Task.FromResult(AuthenticateResult.Fail(refusal)) : known.SignedIn;
        }

        return Context.AuthenticateAsync(AuthSchemes.Select(Context));
    }

    private static async Task<AuthenticateResult> AfterCheckAsync(ValueTask<string?> checking, Task<AuthenticateResult> signedIn) =>
        await checking is { } refusal ? AuthenticateResult.Fail(refusal) : await signedIn;

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties) =>
        Context.SignInAsync(AuthSchemes.Select(Context), user, properties);

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties) => Context.SignOutAsync(AuthSchemes.Select(Context), properties);

    /// <summary>
    /// For a token checked before on this process, only whether it has been revoked since can have changed: the reason
    /// to refuse it (and the token forgotten), or null when it still holds.
    /// </summary>
    public static async ValueTask<string?> CheckedBeforeAsync(
        (ClaimsPrincipal Principal, string TokenId, string Token, Task<AuthenticateResult> SignedIn) known, ValidatedTokens validated, TokenRevocations revocations,
        CancellationToken cancellationToken)
    {
        if (await revocations.IsRevokedAsync(known.TokenId, cancellationToken))
        {
            validated.Forget(known.Token);
            return "The token was revoked.";
        }

        return null;
    }
}
