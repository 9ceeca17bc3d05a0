using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Server.Hosting;

namespace FlowForge.Server.Endpoints;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("Healthy", new Dictionary<string, string>())))
            .WithSummary("The process is up.");
        group.MapGet("/ready", ReadyAsync)
            .WithSummary("The process can serve: its store and queue answer and the start-up recovery scan is done.");
        return app;
    }

    private static async Task<IResult> ReadyAsync(IEnumerable<IReadinessCheck> checks, IWorkQueue queue, RecoveryService recovery, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            results[check.Name] = await Safe(() => check.IsReadyAsync(cancellationToken));
        }

        results["queue"] = await Safe(() => queue.IsReadyAsync(cancellationToken));
        results["recovery"] = recovery.StartupScanCompleted.IsCompleted ? "Healthy" : "Unhealthy";
        var healthy = results.Values.All(v => v == "Healthy");
        return healthy
            ? TypedResults.Ok(new HealthReport("Healthy", results))
            : TypedResults.Json(new HealthReport("Unhealthy", results), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> Safe(Func<ValueTask<bool>> check)
    {
        try
        {
            return await check() ? "Healthy" : "Unhealthy";
        }
        catch (Exception)
        {
            return "Unhealthy";
        }
    }

    internal sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
}
