using FlowForge.Engine;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Redis;
using FlowForge.Scaling.Tests.Infrastructure;
using FlowForge.Scaling.Tests.Rabbit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace FlowForge.Scaling.Tests;

[Collection(ServicesCollection.Name)]
public sealed class ScalingServiceCollectionExtensionsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddRabbitWorkQueue_BeforeOrAfterTheEngine_IsTheWorkQueue(bool beforeEngine)
    {
        var test = new RabbitTestQueue(TestServices.RabbitMq, output);
        var collection = new ServiceCollection();
        if (beforeEngine)
        {
            collection.AddRabbitWorkQueue(test.Options());
        }

        collection.AddFlowForgeEngine();
        if (!beforeEngine)
        {
            collection.AddRabbitWorkQueue(test.Options());
        }

        await using (var provider = collection.BuildServiceProvider())
        {
            var queue = provider.GetRequiredService<IWorkQueue>();

            Assert.Same(provider.GetRequiredService<RabbitWorkQueue>(), queue);
            Assert.Single(collection, d => d.ServiceType == typeof(IWorkQueue));
            Assert.True(await queue.IsReadyAsync(CancellationToken.None));
        }

        await test.DeleteAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddRedisCache_BeforeOrAfterTheEngine_ProvidesPlanCacheRateLimiterAndRunEvents(bool beforeEngine)
    {
        var options = new RedisOptions { ConnectionString = TestServices.Redis, KeyPrefix = "flowforge-test:" + Guid.NewGuid().ToString("N") + ":" };
        var collection = new ServiceCollection();
        if (beforeEngine)
        {
            collection.AddRedisCache(options);
        }

        collection.AddFlowForgeEngine();
        if (!beforeEngine)
        {
            collection.AddRedisCache(options);
        }

        await using var provider = collection.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<RedisPlanCache>(), provider.GetRequiredService<IPlanCache>());
        Assert.Same(provider.GetRequiredService<LocalFallbackRateLimiter>(), provider.GetRequiredService<IRateLimiter>());
        Assert.Same(provider.GetRequiredService<RedisRunEvents>(), provider.GetRequiredService<IRunEvents>());
        foreach (var seam in new[] { typeof(IPlanCache), typeof(IRateLimiter), typeof(IRunEvents), typeof(IConnectionMultiplexer) })
        {
            Assert.Single(collection, d => d.ServiceType == seam);
        }

        Assert.Single(collection, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RedisListeningService));
        var readiness = provider.GetRequiredService<RedisReadiness>();
        Assert.False(await readiness.IsReadyAsync(CancellationToken.None));

        await ActivatorUtilities.CreateInstance<RedisListeningService>(provider).StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => readiness.IsReadyAsync(CancellationToken.None).AsTask(), "Redis to be ready");
        Assert.Equal("redis", readiness.Name);
    }

    [Fact]
    public void AddRedisCache_Twice_KeepsOneConnectionAndOneListener()
    {
        var options = new RedisOptions { ConnectionString = TestServices.Redis };
        var collection = new ServiceCollection();

        collection.AddRedisCache(options).AddRedisCache(options);

        Assert.Single(collection, d => d.ServiceType == typeof(IConnectionMultiplexer));
        Assert.Single(collection, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void AddRabbitWorkQueue_NoConnectionString_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddRabbitWorkQueue(new RabbitOptions()));

        Assert.Contains("Queue:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(",,")]
    public void AddRedisCache_NoServer_ThrowsNamingTheSetting(string? connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new ServiceCollection().AddRedisCache(new RedisOptions { ConnectionString = connectionString }));

        Assert.Contains("Cache:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScalingAssembly_ReferencesTheEngineAndBrokerClientsButNoHostOrStore()
    {
        var references = typeof(RabbitWorkQueue).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("FlowForge.Engine", references);
        Assert.Contains("RabbitMQ.Client", references);
        Assert.Contains("StackExchange.Redis", references);
        Assert.DoesNotContain(references, name =>
            name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || name is "FlowForge.Server" or "flowforge" or "FlowForge.Storage.Sql" or "FlowForge.Nodes");
    }
}
