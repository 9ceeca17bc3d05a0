using FlowForge.Engine.Storage;
using FlowForge.Server.Auth.KeyRing;
using FlowForge.Server.Hosting;
using FlowForge.Server.Realtime;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.AddSingleton<KeyRingSecret>();

        services.AddDataProtection().SetApplicationName("flowforge");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            if (kinds.ServesApi)
            {
                o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IAuthStore>(), sp.GetRequiredService<TimeProvider>());
                o.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<KeyRingSecret>());
            }
            else
            {
                o.XmlRepository = new MemoryXmlRepository();
            }
        });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((o, keys) =>
        {
            o.MapInboundClaims = false;
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = async context =>
                {
                    // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query string.
                    if (context.HttpContext.Request.Path.StartsWithSegments(RunsHub.Path, StringComparison.Ordinal))
                    {
                        context.Token = context.Request.Query["access_token"];
                    }

                    var token = context.Token ?? BearerToken(context.Request);
                    if (token is not null && TokenHandler.CanReadToken(token))
                    {
                        await keys.RefreshIfUnknownAsync(TokenHandler.ReadJsonWebToken(token).Kid, context.HttpContext.RequestAborted);
                    }
                },
                OnTokenValidated = async context =>
                {
                    var tokenId = (context.SecurityToken as JsonWebToken)?.Id;
                    if (string.IsNullOrEmpty(tokenId))
                    {
                        context.Fail("The token has no id.");
                        return;
                    }

                    var revocations = context.HttpContext.RequestServices.GetRequiredService<TokenRevocations>();
                    if (await revocations.IsRevokedAsync(tokenId, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The token was revoked.");
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
        if (kinds.ServesApi)
        {
            services.AddHostedService<AuthMaintenance>();
        }

        return services;
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
