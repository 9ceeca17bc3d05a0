using FlowForge.Engine.Runs;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Traces, metrics and logs in every role. Metrics are scraped at <c>/metrics</c> (Prometheus); traces are
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; logs are short text lines on a terminal and
/// JSON lines with scopes otherwise (<c>Logging:Format</c>), so each line of a node execution carries its run id and node id.
/// </summary>
internal static class Telemetry
{
    public static WebApplicationBuilder AddFlowForgeTelemetry(this WebApplicationBuilder builder, ProviderKinds kinds)
    {
        AddLogging(builder);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService("flowforge", serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("flowforge.role", kinds.Role.ToString().ToLowerInvariant())]))
            .WithMetrics(m => m
                .AddMeter(EngineTelemetry.Name)
                // The runtime's own meter: GC, allocated bytes, thread pool, CPU time (cost per flow is read from these).
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());

        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!string.IsNullOrEmpty(otlp))
        {
            otel.WithTracing(t => t
                .AddSource(EngineTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = IsTraced)
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>One line per request, when <c>Logging:Requests</c> asks for it.</summary>
    public static WebApplication UseFlowForgeRequestLogging(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<LoggingOptions>>().Value.Requests)
        {
            app.UseMiddleware<RequestLogging>();
        }

        return app;
    }

    public static WebApplication MapFlowForgeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().WithMetadata(new ManagementEndpoint(AlsoOnMainPort: false));
        return app;
    }

    private static void AddLogging(WebApplicationBuilder builder)
    {
        // Lowest precedence, so appsettings, environment and --Logging:LogLevel:... still win: the framework's
        // per-request Information lines (request started/finished, endpoint executing) are noise by default.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });

        builder.Services.AddValidatedOptions<LoggingOptions, LoggingOptionsValidator>(LoggingOptions.Section);
        var format = LoggingOptions.ChooseFormat(builder.Configuration["Logging:Format"], Console.IsOutputRedirected);
        if (builder.Configuration["Logging:Console:FormatterName"] is not null)
        {
            return;
        }

        if (format == LoggingOptions.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    }

    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);
}
