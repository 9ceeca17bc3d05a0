using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// Whether Redis answers and this process hears the other processes (plan invalidations, run events).
/// The server reports it as the <c>redis-subscriptions</c> health check.
/// </summary>
public sealed class RedisReadiness(IConnectionMultiplexer redis, RedisPlanCache plans, RedisRunEvents events)
{
    public string Name { get; } = "redis";

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected || !plans.IsListening || !events.IsListening)
        {
            return false;
        }

        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
