using System.Text.Json;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// <c>/health/live</c> runs no check (the process answers); <c>/health/ready</c> runs every check tagged
/// <see cref="ProviderSelection.ReadyTag"/> and answers 503 naming the ones that failed.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ManagementEndpoint OnBothPorts = new(AlsoOnMainPort: true);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().WithMetadata(OnBothPorts);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ProviderSelection.ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().WithMetadata(OnBothPorts);
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString(), StringComparer.Ordinal);
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new Report(report.Status.ToString(), checks), Json, context.RequestAborted);
    }

    private sealed record Report(string Status, IReadOnlyDictionary<string, string> Checks);
}
