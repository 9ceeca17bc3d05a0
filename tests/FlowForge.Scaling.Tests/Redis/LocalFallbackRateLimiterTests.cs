using FlowForge.Engine.Limits;
using FlowForge.Scaling.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FlowForge.Scaling.Tests.Redis;

public sealed class LocalFallbackRateLimiterTests
{
    private static readonly RateLimitPolicy TwoAtOnce = new(2, 0.001);

    [Fact]
    public async Task TryAcquireAsync_RedisUnreachable_EnforcesTheLimitWithLocalBuckets()
    {
        // Nothing listens on port 1: the multiplexer stays disconnected.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { "127.0.0.1:1" },
            AbortOnConnectFail = false,
            ConnectTimeout = 1_000,
        });
        var options = new RedisOptions { ConnectionString = "127.0.0.1:1" };
        var limiter = new LocalFallbackRateLimiter(
            redis, new RedisRateLimiter(redis, options), new MemoryRateLimiter(TimeProvider.System), NullLogger<LocalFallbackRateLimiter>.Instance);

        var first = await Eventually.WithinAsync(limiter.TryAcquireAsync("k", TwoAtOnce, 1, CancellationToken.None).AsTask(), "a decision without Redis");
        var second = await limiter.TryAcquireAsync("k", TwoAtOnce, 1, CancellationToken.None);
        var third = await limiter.TryAcquireAsync("k", TwoAtOnce, 1, CancellationToken.None);

        Assert.True(first.Allowed);
        Assert.True(second.Allowed);
        Assert.False(third.Allowed);
        Assert.True(third.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task ReserveAsync_RedisUnreachable_BooksSlotsInOrderInLocalBuckets()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { "127.0.0.1:1" },
            AbortOnConnectFail = false,
            ConnectTimeout = 1_000,
        });
        var options = new RedisOptions { ConnectionString = "127.0.0.1:1" };
        // The local buckets' clock stands still, so the slots do not depend on how long the calls take.
        var limiter = new LocalFallbackRateLimiter(
            redis, new RedisRateLimiter(redis, options), new MemoryRateLimiter(new FakeTimeProvider(DateTimeOffset.UtcNow)), NullLogger<LocalFallbackRateLimiter>.Instance);
        var policy = new RateLimitPolicy(1, 10);

        var first = await Eventually.WithinAsync(limiter.ReserveAsync("k", policy, 1, TimeSpan.FromMinutes(1), CancellationToken.None).AsTask(), "a reservation without Redis");
        var second = await limiter.ReserveAsync("k", policy, 1, TimeSpan.FromMinutes(1), CancellationToken.None);
        var third = await limiter.ReserveAsync("k", policy, 1, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(TimeSpan.Zero, first.Wait);
        Assert.True(second.Reserved);
        Assert.True(third.SlotAt > second.SlotAt && second.SlotAt > first.SlotAt);
        Assert.InRange(third.Wait, TimeSpan.FromMilliseconds(199), TimeSpan.FromMilliseconds(201));
    }
}
