using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Hosting.Health;

/// <summary>The work queue can accept and deliver messages (its publishing channel and every consumer are open).</summary>
internal sealed class QueueHealthCheck(IWorkQueue queue) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await queue.IsReadyAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The work queue cannot accept or deliver messages.");
}
