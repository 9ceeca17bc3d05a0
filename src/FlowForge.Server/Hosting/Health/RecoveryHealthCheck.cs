using FlowForge.Engine.Runs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Hosting.Health;

/// <summary>The start-up recovery scan is done, so work left by a crash is queued again before new work is taken.</summary>
internal sealed class RecoveryHealthCheck(RecoveryService recovery) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(recovery.StartupScanCompleted.IsCompleted
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The start-up recovery scan has not finished."));
}
