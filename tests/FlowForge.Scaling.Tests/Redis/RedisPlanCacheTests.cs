using FlowForge.Engine.Graphs;
using FlowForge.Scaling.Redis;
using FlowForge.Scaling.Tests.Compliance;
using FlowForge.Scaling.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlowForge.Scaling.Tests.Redis;

[Collection(ServicesCollection.Name)]
public sealed class RedisPlanCacheTests(ITestOutputHelper output) : PlanCacheCompliance, IAsyncLifetime
{
    private readonly RedisTestConnections _redis = new(TestServices.Redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _redis.CloseAsync();

    protected override async Task<IPlanCache> CreateCacheAsync() => await OpenAsync();

    [Fact]
    public async Task InvalidateAsync_OnOneInstance_DropsThePlansOfAnother()
    {
        var (first, second) = (await OpenAsync(), await OpenAsync());
        var key = new FlowVersionKey(Guid.NewGuid(), 1);
        var kept = new FlowVersionKey(Guid.NewGuid(), 1);
        await second.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        await second.GetOrAddAsync(kept, CompileAsync(kept), CancellationToken.None);

        await first.InvalidateAsync(key.FlowId, CancellationToken.None);

        await Eventually.TrueAsync(() => second.Count == 1, "the other instance to drop the flow");
        await second.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        await second.GetOrAddAsync(kept, CompileAsync(kept), CancellationToken.None);
        Assert.Equal(3, Compiles);
    }

    [Fact]
    public async Task InvalidateAsync_OnOneInstance_DropsTheFlowHeadOfAnother()
    {
        var (saving, starting) = (await OpenAsync(), await OpenAsync());
        var head = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 1);
        var other = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "other", 1);
        starting.KeepHead(head, starting.HeadStamp);
        starting.KeepHead(other, starting.HeadStamp);

        await saving.InvalidateAsync(head.Id, CancellationToken.None);

        await Eventually.TrueAsync(() => !starting.TryGetHead(head.Id, out _), "the other instance to drop the flow's head");
        Assert.True(starting.TryGetHead(other.Id, out _));
    }

    [Fact]
    public async Task KeepHead_RedisUnreachable_KeepsNoHeadAnInvalidationCouldNotReach()
    {
        var options = new RedisOptions { ConnectionString = "127.0.0.1:1,connectTimeout=200,asyncTimeout=500", KeyPrefix = _redis.Options.KeyPrefix };
        var unreachable = _redis.Own(StackExchange.Redis.ConnectionMultiplexer.Connect(options.ToConfiguration()));
        var cache = _redis.Own(new RedisPlanCache(
            unreachable, options, Options.Create(new PlanCacheOptions()), new TestOutputLogger<RedisPlanCache>(output)));
        var head = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 1);

        cache.KeepHead(head, cache.HeadStamp);

        Assert.False(cache.TryGetHead(head.Id, out _));
        await Eventually.WithinAsync(cache.DisposeAsync().AsTask(), "the cache to stop trying to subscribe", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task InvalidateAsync_OwnMessageComesBack_DoesNotDropWhatWasCompiledSince()
    {
        var cache = await OpenAsync();
        var observer = await OpenAsync();
        var key = new FlowVersionKey(Guid.NewGuid(), 2);
        await observer.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        await cache.InvalidateAsync(key.FlowId, CancellationToken.None);
        await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        await Eventually.TrueAsync(() => observer.Count == 0, "the message to travel through Redis");
        // Sent after Redis passed the first invalidation on, so the cache reads its own echo before this one.
        var later = new FlowVersionKey(Guid.NewGuid(), 1);
        await cache.GetOrAddAsync(later, _ => Task.FromResult(Plan(later)), CancellationToken.None);
        await observer.InvalidateAsync(later.FlowId, CancellationToken.None);
        await Eventually.TrueAsync(() => cache.Count <= 1, "the later invalidation at the cache");
        await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        Assert.Equal(3, Compiles);
    }

    [Fact]
    public async Task InvalidateAsync_RedisUnreachable_StillDropsThePlansHere()
    {
        var options = new RedisOptions { ConnectionString = "127.0.0.1:1,connectTimeout=200,asyncTimeout=500", KeyPrefix = _redis.Options.KeyPrefix };
        var unreachable = _redis.Own(StackExchange.Redis.ConnectionMultiplexer.Connect(options.ToConfiguration()));
        var cache = _redis.Own(new RedisPlanCache(
            unreachable, options, Options.Create(new PlanCacheOptions()), new TestOutputLogger<RedisPlanCache>(output)));
        var key = new FlowVersionKey(Guid.NewGuid(), 1);
        await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        await Eventually.WithinAsync(cache.InvalidateAsync(key.FlowId, CancellationToken.None).AsTask(), "the invalidation to give up on Redis");

        Assert.Equal(0, cache.Count);
        Assert.False(cache.IsListening);

        // Disposing while the background subscribe still waits for Redis must neither throw nor hang.
        await Eventually.WithinAsync(cache.DisposeAsync().AsTask(), "the cache to stop trying to subscribe", TimeSpan.FromSeconds(20));
    }

    private async Task<RedisPlanCache> OpenAsync()
    {
        var cache = _redis.Own(new RedisPlanCache(
            await _redis.ConnectAsync(), _redis.Options, Options.Create(new PlanCacheOptions { Capacity = 100 }), new TestOutputLogger<RedisPlanCache>(output)));
        await Eventually.WithinAsync(cache.StartAsync(CancellationToken.None), "the plan cache to subscribe");
        return cache;
    }
}
