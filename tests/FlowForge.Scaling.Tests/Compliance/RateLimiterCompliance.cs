using FlowForge.Engine.Limits;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>What every <see cref="IRateLimiter"/> does: a token bucket per key, refilled continuously, never granting more than it holds.</summary>
public abstract class RateLimiterCompliance
{
    protected string Key { get; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>A handle on the buckets: for a shared limiter each call is another process's, for an in-process one the same.</summary>
    protected abstract Task<IRateLimiter> CreateLimiterAsync();

    [Fact]
    public async Task TryAcquireAsync_BurstUpToCapacity_ThenRefuses()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(5, 0.01);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            decisions.Add(await limiter.TryAcquireAsync(Key, policy, 1, CancellationToken.None));
        }

        Assert.All(decisions.Take(5), d => Assert.True(d.Allowed));
        Assert.False(decisions[5].Allowed);
        Assert.Equal(4, decisions[0].Remaining, 2);
        Assert.Equal(0, decisions[4].Remaining, 2);
    }

    [Fact]
    public async Task TryAcquireAsync_Refused_RetryAfterIsTheTimeToRefillTheShortfall()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(10, 2);
        Assert.True((await limiter.TryAcquireAsync(Key, policy, 10, CancellationToken.None)).Allowed);

        var refused = await limiter.TryAcquireAsync(Key, policy, 3, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.InRange(refused.Remaining, 0, 0.3);

        // 3 tokens short at 2 per second, less what came back since the first call.
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1.35), TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task TryAcquireAsync_AfterWaiting_TokensAreBack()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(2, 20);
        Assert.True((await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
        var refused = await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None);
        Assert.False(refused.Allowed);

        // Time itself is under test: the refusal promised the tokens back after RetryAfter, so wait exactly that long.
        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(30));

        Assert.True((await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_CostAboveCapacity_IsRefused()
    {
        var limiter = await CreateLimiterAsync();

        var decision = await limiter.TryAcquireAsync(Key, new RateLimitPolicy(3, 1), 4, CancellationToken.None);

        Assert.False(decision.Allowed);
        Assert.Equal(3, decision.Remaining, 2);
    }

    [Fact]
    public async Task TryAcquireAsync_DifferentKeys_HaveSeparateBuckets()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 0.01);

        Assert.True((await limiter.TryAcquireAsync(Key + ":a", policy, 1, CancellationToken.None)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(Key + ":b", policy, 1, CancellationToken.None)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(Key + ":a", policy, 1, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_TwoHandles_ShareOneBucket()
    {
        var first = await CreateLimiterAsync();
        var second = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(5, 0.01);

        Assert.True((await first.TryAcquireAsync(Key, policy, 3, CancellationToken.None)).Allowed);
        Assert.True((await second.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
        Assert.False((await first.TryAcquireAsync(Key, policy, 1, CancellationToken.None)).Allowed);
        Assert.False((await second.TryAcquireAsync(Key, policy, 1, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_ManyConcurrentCallersOnSeveralHandles_NeverGrantMoreThanTheBucketHolds()
    {
        var limiters = new List<IRateLimiter>();
        for (var i = 0; i < 3; i++)
        {
            limiters.Add(await CreateLimiterAsync());
        }

        var policy = new RateLimitPolicy(50, 0.001);
        var decisions = await Eventually.WithinAsync(
            Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
                await limiters[i % limiters.Count].TryAcquireAsync(Key, policy, 1, CancellationToken.None)))),
            "300 concurrent acquisitions");

        Assert.Equal(50, decisions.Count(d => d.Allowed));
    }
}
