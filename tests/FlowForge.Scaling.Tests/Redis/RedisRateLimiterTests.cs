using FlowForge.Engine.Limits;
using FlowForge.Scaling.Redis;
using FlowForge.Scaling.Tests.Compliance;
using FlowForge.Scaling.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlowForge.Scaling.Tests.Redis;

[Collection(ServicesCollection.Name)]
public sealed class RedisRateLimiterTests : RateLimiterCompliance, IAsyncLifetime
{
    private readonly RedisTestConnections _redis = new(TestServices.Redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _redis.CloseAsync();

    protected override async Task<IRateLimiter> CreateLimiterAsync() => new RedisRateLimiter(await _redis.ConnectAsync(), _redis.Options);

    [Fact]
    public async Task TryAcquireAsync_BucketFullAgain_ItsKeyExpires()
    {
        var redis = await _redis.ConnectAsync();
        var limiter = new RedisRateLimiter(redis, _redis.Options);
        RedisKey key = _redis.Options.KeyPrefix + "rate:" + Key;

        // One token back takes a second at this rate: the key lives that long, so a loaded machine still reads it.
        await limiter.TryAcquireAsync(Key, new RateLimitPolicy(4, 1), 1, CancellationToken.None);

        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => !await redis.GetDatabase().KeyExistsAsync(key), "the full bucket's key to expire", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TryAcquireAsync_TakesNothing_LeavesNoKey()
    {
        var redis = await _redis.ConnectAsync();
        var limiter = new RedisRateLimiter(redis, _redis.Options);

        var decision = await limiter.TryAcquireAsync(Key, new RateLimitPolicy(4, 10), 0, CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(_redis.Options.KeyPrefix + "rate:" + Key));
    }

    [Fact]
    public async Task TryAcquireAsync_ScriptFlushedFromTheServer_LoadsItAgain()
    {
        var redis = await _redis.ConnectAsync(allowAdmin: true);
        var limiter = new RedisRateLimiter(redis, _redis.Options);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var policy = new RateLimitPolicy(3, 0.01);
        Assert.True((await limiter.TryAcquireAsync(Key, policy, 1, CancellationToken.None)).Allowed);

        await server.ScriptFlushAsync();
        Assert.False(await server.ScriptExistsAsync(RedisRateLimiter.ScriptHash));
        var decision = await limiter.TryAcquireAsync(Key, policy, 1, CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.Equal(1, decision.Remaining, 2);
        Assert.True(await server.ScriptExistsAsync(RedisRateLimiter.ScriptHash));
    }

    [Fact]
    public async Task TryAcquireAsync_PolicyThatNeverRefills_IsRejected()
    {
        var limiter = await CreateLimiterAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await limiter.TryAcquireAsync(Key, new RateLimitPolicy(3, 0), 1, CancellationToken.None));
    }
}
