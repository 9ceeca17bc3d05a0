using System.Security.Claims;
using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Auth;

/// <summary>Accounts, tokens and the keys behind them: password hashing, sign-in limits, JWT bearer checks with revocation, data protection.</summary>
internal static class AuthServiceCollectionExtensions
{
    private static readonly JsonWebTokenHandler TokenHandler = new();

    public static IServiceCollection AddFlowForgeAuth(this IServiceCollection services, ProviderKinds kinds)
    {
        services.TryAddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddSingleton<PasswordVerifier>();
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenRevocations>();
        services.AddSingleton<ValidatedTokens>();
        services.AddSingleton<SessionSignIn>();

        services.AddAuthentication(AuthSchemes.Default)
            .AddScheme<AuthenticationSchemeOptions, BearerOrSessionHandler>(AuthSchemes.Default, "Bearer token or session cookie", o =>
            {
                // Every scheme answers a missing or bad credential alike: 401 with WWW-Authenticate: Bearer, never a redirect.
                o.ForwardChallenge = JwtBearerDefaults.AuthenticationScheme;
                o.ForwardForbid = JwtBearerDefaults.AuthenticationScheme;
            })
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.ApiToken, null)
            .AddCookie(AuthSchemes.Session);
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Session).Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.Cookie.Name = SessionCookie.Name;
            o.Cookie.HttpOnly = true;
            // Strict: no cross-site request, not even a top-level link into the app, carries the session; the app's own
            // pages load first and then call the API, so nothing is lost by it.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
            o.Cookie.IsEssential = true;
            o.CookieManager = new SessionCookieManager();
            o.ExpireTimeSpan = TimeSpan.FromMinutes(auth.Value.SessionIdleMinutes);
            o.SlidingExpiration = true;
            o.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = async context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionSignIn>();
                    if (context.Principal is null || !await sessions.IsValidAsync(context.Principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(AuthSchemes.Session);
                    }
                },
                OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
            };
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, ValidatedTokens, TokenRevocations>((o, keys, validated, revocations) =>
        {
            o.MapInboundClaims = false;
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = async context =>
                {
                    // The default scheme signs in a token checked before; one can still be met here when this scheme is
                    // asked for by name, or when the token was checked between the default scheme's look and this one.
                    var (known, token) = FindChecked(context.Request, validated);
                    if (known is { } checkedBefore)
                    {
                        if (await BearerOrSessionHandler.CheckedBeforeAsync(checkedBefore, validated, revocations, context.HttpContext.RequestAborted) is { } refusal)
                        {
                            context.Fail(refusal);
                            return;
                        }

                        context.Principal = checkedBefore.Principal;
                        context.Success();
                        return;
                    }

                    context.Token = token;
                    if (token is null)
                    {
                        return;
                    }

                    if (TokenHandler.CanReadToken(token))
                    {
                        await keys.RefreshIfUnknownAsync(TokenHandler.ReadJsonWebToken(token).Kid, context.HttpContext.RequestAborted);
                    }
                },
                OnTokenValidated = async context =>
                {
                    var jwt = context.SecurityToken as JsonWebToken;
                    var tokenId = jwt?.Id;
                    if (string.IsNullOrEmpty(tokenId))
                    {
                        context.Fail("The token has no id.");
                        return;
                    }

                    if (await revocations.IsRevokedAsync(tokenId, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The token was revoked.");
                        return;
                    }

                    if (context.Principal is { } principal)
                    {
                        validated.Remember(jwt!.EncodedToken, principal, tokenId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
                    }
                },
            };
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TokenIssuer.Issuer,
                ValidAudience = TokenIssuer.Audience,
                IssuerSigningKeyResolver = (_, _, kid, _) => keys.Resolve(kid),
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, SignedInPolicyEvaluator>());
        if (kinds.ServesApi)
        {
            services.AddHostedService<AuthMaintenance>();
        }

        return services;
    }

    /// <summary>
    /// The request's bearer token when this process has checked it before (looked up where it lies in the header, not
    /// copied), else the token as text for the handler to check (null when the request has none).
    /// </summary>
    private static ((ClaimsPrincipal Principal, string TokenId, string Token, Task<AuthenticateResult> SignedIn)? Known, string? Token) FindChecked(HttpRequest request, ValidatedTokens validated)
    {
        var text = AuthSchemes.BearerTokenText(request);
        if (text.IsEmpty)
        {
            return (null, null);
        }

        return validated.Find(text) is { } known ? (known, null) : (null, text.ToString());
    }

    /// <summary>
    /// The authentication middleware (<see cref="CheckedTokenAuthentication"/>): a checked bearer token signed in from memory,
    /// any other request through the framework's middleware. Marked as the framework's own, so that the host adds no second one.
    /// </summary>
    public static IApplicationBuilder UseFlowForgeAuthentication(this IApplicationBuilder app)
    {
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        return app.UseMiddleware<CheckedTokenAuthentication>();
    }
}
