using FlowForge.Engine.Runs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Traces, metrics and logs in every role. Metrics are scraped at <c>/metrics</c> (Prometheus); traces are
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; logs are JSON lines with scopes, so each
/// line of a node execution carries its run id and node id.
/// </summary>
internal static class Telemetry
{
    public static WebApplicationBuilder AddFlowForgeTelemetry(this WebApplicationBuilder builder, ProviderKinds kinds)
    {
        var logging = builder.Logging;
        if (builder.Configuration["Logging:Console:FormatterName"] is null)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService("flowforge", serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("flowforge.role", kinds.Role.ToString().ToLowerInvariant())]))
            .WithMetrics(m => m
                .AddMeter(EngineTelemetry.Name)
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

    public static WebApplication MapFlowForgeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().WithMetadata(new ManagementEndpoint(AlsoOnMainPort: false));
        return app;
    }

    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);
}
