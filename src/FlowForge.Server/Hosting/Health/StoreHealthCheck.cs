using FlowForge.Storage.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Hosting.Health;

/// <summary>The store's own view: its writer runs and its schema is the one this build expects (the provider checks only reach the server).</summary>
internal sealed class StoreHealthCheck(IStorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await storage.IsReadyAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The store is not ready: its database does not answer or its schema is not at this build's version.");
}
