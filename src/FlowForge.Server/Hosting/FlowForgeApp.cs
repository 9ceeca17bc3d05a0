using System.Text.Json.Serialization;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Endpoints;
using FlowForge.Server.Notifications;
using FlowForge.Server.Realtime;
using FlowForge.Server.Triggers;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

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
        var managementPorts = builder.AddManagementListeners(server);

        services.AddValidatedOptions<ServerOptions, ServerOptionsValidator>(ServerOptions.Section);
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .Validate(o => o.MaxInlineOutputBytes >= 0, $"{ApiOptions.Section}:{nameof(ApiOptions.MaxInlineOutputBytes)} must be 0 or more (bytes).")
            .Validate(o => o.MaxRunsPerRetry is >= 1 and <= PageRequest.MaxLimit, $"{ApiOptions.Section}:{nameof(ApiOptions.MaxRunsPerRetry)} must be from 1 to {PageRequest.MaxLimit}.")
            .Validate(o => o.MaxFlowSearchLength is >= 1 and <= 1000, $"{ApiOptions.Section}:{nameof(ApiOptions.MaxFlowSearchLength)} must be from 1 to 1000 (characters).")
            .Validate(o => o.MaxWatchedRunsPerConnection is >= 1 and <= 10_000, $"{ApiOptions.Section}:{nameof(ApiOptions.MaxWatchedRunsPerConnection)} must be from 1 to 10000 (runs).")
            .ValidateOnStart();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Stored documents are up to JsonPolicy.MaxDepth deep and answers wrap them in a few levels more.
            o.SerializerOptions.MaxDepth = 2 * JsonPolicy.MaxDepth;
        });
        // The host's own request lines print raw query strings, where the live hub's access_token travels: kept off
        // even when Microsoft.AspNetCore logs are turned up. Logging:Requests writes request lines without the query.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiExceptions.Describe);
        services.AddExceptionHandler<UnexpectedExceptionLogger>();
        services.AddOpenApi();

        var kinds = ProviderKinds.Read(configuration);
        services.AddSingleton(kinds);
        services.AddOptions<AuthOptions>().Validate(
            o => kinds.Store == StoreKind.Sqlite || !string.IsNullOrEmpty(o.KeyRingSecret),
            $"{AuthOptions.Section}:{nameof(AuthOptions.KeyRingSecret)} is required with a shared store ({ProviderKinds.Name(kinds.Store)}): set the same random value of at least 32 characters on every process (api and worker).");
        builder.AddFlowForgeTelemetry(kinds);
        services.AddFlowForgeCore(configuration, kinds, "data", "flowforge serve");
        services.PostConfigure<EngineOptions>(o =>
        {
            o.SoleWorker = kinds.SoleWorker;
            o.ExecuteWork = kinds.ExecutesWork;
        });
        services.AddProviderHealthChecks(configuration, kinds);
        services.AddOAuthConnections();

        services.AddFlowForgeAuth(kinds);
        services.AddFailureNotifications(configuration);
        if (kinds.ServesApi)
        {
            services.AddSignalR();
            services.AddHostedService<RunEventForwarder>();
            services.AddSingleton<HubRunWatches>();
            services.AddWebhookTriggers();
        }

        if (kinds.ExecutesWork)
        {
            services.AddScheduleTriggers();
        }

        if (kinds.ExecutesWork && kinds.Queue == QueueKind.RabbitMq)
        {
            services.AddHostedService<WorkerSignals>();
        }

        var app = builder.Build();
        app.UseFlowForgeSecurityHeaders();
        app.UseFlowForgeRequestLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ApiExceptions.StatusFor,
            // Bad input (a 4xx) is the client's error: answered with a problem body, not logged as an unhandled exception.
            SuppressDiagnosticsCallback = ApiExceptions.IsClientError,
        });
        app.UseStatusCodePages();
        app.UseManagementPortFilter(managementPorts);
        app.UseFlowForgeAuthentication();
        app.UseMiddleware<CsrfProtection>();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapFlowForgeMetrics();
        if (kinds.ServesApi)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapScalarApiReference("/docs", o => o.WithTitle("FlowForge API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
            app.MapAuthEndpoints();
            app.MapSetupEndpoints();
            app.MapSessionEndpoints();
            app.MapApiTokenEndpoints();
            app.MapConnectionEndpoints();
            app.MapFlowEndpoints();
            app.MapFlowVersionEndpoints();
            app.MapRunEndpoints();
            app.MapNodeTypeEndpoints();
            app.MapExpressionEndpoints();
            app.MapWebhookEndpoints();
            app.MapConnectionProviderEndpoints();
            app.MapOAuthEndpoints();
            app.MapNotificationEndpoints();
            app.MapHub<RunsHub>(RunsHub.Path);
            if (WebAppHosting.ResolveRoot(configuration) is { } webRoot)
            {
                app.UseFlowForgeWebApp(webRoot);
            }
        }

        return app;
    }

    /// <summary>
    /// Validates every setting (throwing <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>), locks a
    /// SQLite data folder (throwing <see cref="Storage.Sql.Sqlite.DataFolderInUseException"/> when another process has it),
    /// migrates the store and loads signing keys; call before the app starts serving.
    /// </summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ValidatedOptions.ValidateNow(app.Services);
        app.Services.GetRequiredService<Storage.Sql.Sqlite.DataFolderLock>();
        await app.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);
        if (app.Services.GetRequiredService<ProviderKinds>().ServesApi)
        {
            await app.Services.GetRequiredService<SigningKeys>().LoadAsync(cancellationToken);
        }
    }
}
