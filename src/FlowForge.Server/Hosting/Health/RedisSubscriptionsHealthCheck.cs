using FlowForge.Scaling.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Hosting.Health;

/// <summary>This process hears the others over Redis (plan invalidations, run events); the Redis check itself only pings.</summary>
internal sealed class RedisSubscriptionsHealthCheck(RedisReadiness redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await redis.IsReadyAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "Not subscribed to the other processes' plan invalidations and run events.");
}
