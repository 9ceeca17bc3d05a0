using System.Text.Json.Serialization;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Endpoints;
using FlowForge.Server.Realtime;
using FlowForge.Storage.Sql;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Hosting;

/// <summary>Builds the FlowForge server: configuration, providers, engine, API. <c>serve</c> and the tests use the same path.</summary>
public static class FlowForgeApp
{
    public const string EnvironmentPrefix = "FLOWFORGE_";

    public static WebApplication Build(IReadOnlyList<string> configurationArgs, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. configurationArgs],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine([.. configurationArgs]);
        configure?.Invoke(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;
        var server = configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A negative value is reported by the validator at start; Kestrel would throw an unexplained exception here.
            k.Limits.MaxRequestBodySize = Math.Max(0, server.MaxRequestBodyBytes);
            k.AddServerHeader = false;
        });

        services.AddValidatedOptions<ServerOptions, ServerOptionsValidator>(ServerOptions.Section);
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .Validate(o => o.MaxInlineOutputBytes >= 0, $"{ApiOptions.Section}:{nameof(ApiOptions.MaxInlineOutputBytes)} must be 0 or more (bytes).")
            .ValidateOnStart();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiExceptions.Describe);
        services.AddOpenApi();

        var kinds = ProviderKinds.Read(configuration);
        services.AddSingleton(kinds);
        builder.AddFlowForgeTelemetry(kinds);
        services.AddFlowForgeCore(configuration, kinds, "data");
        services.PostConfigure<EngineOptions>(o =>
        {
            o.SoleWorker = kinds.SoleWorker;
            o.ExecuteWork = kinds.ExecutesWork;
        });
        services.AddSingleton<IReadinessCheck, StoreReadiness>();

        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((o, keys) =>
        {
            o.MapInboundClaims = false;
            o.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query string.
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.Request.Path.StartsWithSegments(RunsHub.Path, StringComparison.Ordinal))
                    {
                        context.Token = context.Request.Query["access_token"];
                    }

                    return Task.CompletedTask;
                },
            };
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TokenIssuer.Issuer,
                ValidAudience = TokenIssuer.Audience,
                IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorization();
        if (kinds.ServesApi)
        {
            services.AddSignalR();
            services.AddHostedService<RunEventForwarder>();
        }

        var app = builder.Build();
        app.UseFlowForgeRequestLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiExceptions.StatusFor });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapFlowForgeMetrics();
        if (kinds.ServesApi)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapAuthEndpoints();
            app.MapFlowEndpoints();
            app.MapRunEndpoints();
            app.MapNodeTypeEndpoints();
            app.MapHub<RunsHub>(RunsHub.Path);
        }

        return app;
    }

    /// <summary>
    /// Validates every setting (throwing <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>), migrates the
    /// store and loads signing keys; call before the app starts serving.
    /// </summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ValidatedOptions.ValidateNow(app.Services);
        await app.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);
        if (app.Services.GetRequiredService<ProviderKinds>().ServesApi)
        {
            await app.Services.GetRequiredService<SigningKeys>().LoadAsync(cancellationToken);
        }
    }
}
