using Microsoft.Extensions.Hosting;

namespace FlowForge.Scaling.Redis;

/// <summary>Starts listening to the other processes when the host starts, without waiting for Redis.</summary>
internal sealed class RedisListeningService(RedisPlanCache plans, RedisRunEvents events) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not awaited: a process starts while Redis is away, and readiness says so until it is back.
        _ = plans.StartAsync(CancellationToken.None);
        _ = events.StartAsync(CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
