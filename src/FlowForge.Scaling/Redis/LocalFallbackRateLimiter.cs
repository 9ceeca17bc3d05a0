using FlowForge.Engine.Limits;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// The shared Redis buckets while Redis answers; this process's own buckets while it does not, so an outage of the
/// cache never stops run starts. Each process then enforces the limit on its own (N processes let up to N times
/// the rate through) until Redis is back; a warning says when that starts and when it ends.
/// </summary>
public sealed partial class LocalFallbackRateLimiter(
    IConnectionMultiplexer redis, RedisRateLimiter shared, IRateLimiter local, ILogger<LocalFallbackRateLimiter> logger) : IRateLimiter
{
    // 1 while the local buckets stand in; only used to log the change once each way.
    private int _fallingBack;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitPolicy policy, int cost, CancellationToken cancellationToken)
    {
        // Disconnected, a command would wait in the client's backlog for its whole timeout: go local at once.
        if (redis.IsConnected)
        {
            try
            {
                var decision = await shared.TryAcquireAsync(key, policy, cost, cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
                {
                    LogShared(logger);
                }

                return decision;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                StartFallingBack(ex.Message);
            }
        }
        else
        {
            StartFallingBack("not connected");
        }

        return await local.TryAcquireAsync(key, policy, cost, cancellationToken).ConfigureAwait(false);
    }

    /// <remarks>
    /// While Redis is away reservations are booked in this process's buckets: each process keeps its own queue in
    /// order, and the processes together may go faster than the limit until Redis answers again.
    /// </remarks>
    public async ValueTask<RateLimitReservation> ReserveAsync(string key, RateLimitPolicy policy, int cost, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            try
            {
                var reservation = await shared.ReserveAsync(key, policy, cost, maxWait, cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
                {
                    LogShared(logger);
                }

                return reservation;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                StartFallingBack(ex.Message);
            }
        }
        else
        {
            StartFallingBack("not connected");
        }

        return await local.ReserveAsync(key, policy, cost, maxWait, cancellationToken).ConfigureAwait(false);
    }

    private void StartFallingBack(string reason)
    {
        if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
        {
            LogLocal(logger, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis does not answer ({Reason}): rate limits fall back to this process's own buckets until it does")]
    private static partial void LogLocal(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis answers again: rate limits are shared by every process once more")]
    private static partial void LogShared(ILogger logger);
}
