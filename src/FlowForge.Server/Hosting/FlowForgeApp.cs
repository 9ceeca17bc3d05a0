using System.Text.Json.Serialization;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Endpoints;
using FlowForge.Server.Realtime;
using FlowForge.Storage.Sql;
using Microsoft.AspNetCore.HttpLogging;
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
            .ValidateOnStart();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // Stored documents are up to JsonPolicy.MaxDepth deep and answers wrap them in a few levels more.
            o.SerializerOptions.MaxDepth = 2 * JsonPolicy.MaxDepth;
        });
        // Request lines come from HTTP logging, which redacts the hub's access_token; the host's own request lines print raw query strings.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestQuery
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        services.AddHttpLoggingInterceptor<RequestLogRedaction>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiExceptions.Describe);
        services.AddExceptionHandler<UnexpectedExceptionLogger>();
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
        services.AddProviderHealthChecks(configuration, kinds);

        services.AddFlowForgeAuth(kinds);
        if (kinds.ServesApi)
        {
            services.AddSignalR();
            services.AddHostedService<RunEventForwarder>();
        }

        var app = builder.Build();
        app.UseFlowForgeRequestLogging();
        app.UseHttpLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiExceptions.StatusFor });
        app.UseStatusCodePages();
        app.UseManagementPortFilter(managementPorts);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapFlowForgeMetrics();
        if (kinds.ServesApi)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapScalarApiReference("/docs", o => o.WithTitle("FlowForge API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
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
