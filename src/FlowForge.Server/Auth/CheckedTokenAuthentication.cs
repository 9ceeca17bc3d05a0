using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace FlowForge.Server.Auth;

/// <summary>
/// The authentication middleware: a request bearing a JWT this process has checked before (<see cref="ValidatedTokens"/>)
/// and not revoked since — asked on every request, as the default scheme asks — is signed in here with the token's own
/// sign-in; any other request goes through the framework's <see cref="AuthenticationMiddleware"/> as before (the default
/// scheme, the JWT bearer handler, API tokens, the session cookie), and so does every request while a claims
/// transformation or a scheme that handles requests itself is registered.
/// </summary>
/// <remarks>
/// The framework's middleware made, for every request, the authentication service and handler provider of its scope, the
/// handler and its options, a task for the default scheme, and a second result and ticket copying the handler's: about
/// a kilobyte to find the sign-in the cache already holds.
/// </remarks>
internal sealed class CheckedTokenAuthentication
{
    private readonly RequestDelegate _next;
    private readonly AuthenticationMiddleware _framework;
    private readonly ValidatedTokens _validated;
    private readonly TokenRevocations _revocations;
    private readonly bool _frameworkOnly;

    public CheckedTokenAuthentication(
        RequestDelegate next, IAuthenticationSchemeProvider schemes, ValidatedTokens validated, TokenRevocations revocations, IClaimsTransformation transformation)
    {
        _next = next;
        _framework = new AuthenticationMiddleware(next, schemes);
        _validated = validated;
        _revocations = revocations;
        // The framework would transform the principal or let a scheme answer the request first: leave both to it.
        _frameworkOnly = transformation is not NoopClaimsTransformation || schemes.GetRequestHandlerSchemesAsync().GetAwaiter().GetResult().Any();
    }

    public Task InvokeAsync(HttpContext context)
    {
        var token = AuthSchemes.BearerTokenText(context.Request);
        if (_frameworkOnly || token.IsEmpty || _validated.Find(token) is not { } known || !known.SignedIn.IsCompletedSuccessfully)
        {
            return _framework.Invoke(context);
        }

        var checking = BearerOrSessionHandler.CheckedBeforeAsync(known, _validated, _revocations, context.RequestAborted);
        if (!checking.IsCompletedSuccessfully)
        {
            return AfterCheckAsync(checking, known.SignedIn.Result, context);
        }

        if (checking.Result is not null)
        {
            // Revoked (the token is forgotten now): the framework's path refuses it, as it always did.
            return _framework.Invoke(context);
        }

        SignIn(context, known.SignedIn.Result);
        return _next(context);
    }

    // Not known at once whether the token was revoked since: asked to the end, then as above.
    private async Task AfterCheckAsync(ValueTask<string?> checking, AuthenticateResult signedIn, HttpContext context)
    {
        if (await checking is not null)
        {
            await _framework.Invoke(context);
            return;
        }

        SignIn(context, signedIn);
        await _next(context);
    }

    /// <summary>What the framework's middleware sets for a sign-in: the user, the result and the original path.</summary>
    private static void SignIn(HttpContext context, AuthenticateResult signedIn)
    {
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature { OriginalPath = context.Request.Path, OriginalPathBase = context.Request.PathBase });
        context.User = signedIn.Principal!;
        var features = new SignedInFeatures(signedIn);
        context.Features.Set<IHttpAuthenticationFeature>(features);
        context.Features.Set<IAuthenticateResultFeature>(features);
    }

    /// <summary>As the framework's: setting the user forgets the result, setting the result sets the user.</summary>
    private sealed class SignedInFeatures(AuthenticateResult signedIn) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private AuthenticateResult? _result = signedIn;
        private ClaimsPrincipal? _user = signedIn.Principal;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set
            {
                _result = value;
                _user = value?.Principal;
            }
        }

        public ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
            }
        }
    }
}
