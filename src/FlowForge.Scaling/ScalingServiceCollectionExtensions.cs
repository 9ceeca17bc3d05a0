using FlowForge.Engine.Graphs;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlowForge.Scaling;

public static class ScalingServiceCollectionExtensions
{
    /// <summary>
    /// Makes RabbitMQ the work queue. Replaces any <see cref="IWorkQueue"/> registered before, and the engine's
    /// default is not added after it, so the call may come before or after <c>AddFlowForgeEngine</c>.
    /// The connection opens on first use.
    /// </summary>
    public static IServiceCollection AddRabbitWorkQueue(this IServiceCollection services, RabbitOptions options)
    {
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new RabbitWorkQueue(options, LoggerFor<RabbitWorkQueue>(sp), sp.GetService<ConsumerQuiet>()));
        services.Replace(ServiceDescriptor.Singleton<IWorkQueue>(sp => sp.GetRequiredService<RabbitWorkQueue>()));
        return services;
    }

    /// <summary>
    /// Puts the plan cache's invalidations, the rate limiter (with local buckets while Redis is away) and run events on Redis, with one shared
    /// <see cref="IConnectionMultiplexer"/>, a <see cref="RedisReadiness"/> check and a hosted service that
    /// starts listening to other processes. Replaces earlier registrations of the three seams, so the call may
    /// come before or after <c>AddFlowForgeEngine</c>.
    /// </summary>
    public static IServiceCollection AddRedisCache(this IServiceCollection services, RedisOptions options)
    {
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options.ToConfiguration()));
        services.AddOptions<PlanCacheOptions>();

        services.TryAddSingleton(sp => new RedisPlanCache(
            sp.GetRequiredService<IConnectionMultiplexer>(), options, sp.GetRequiredService<IOptions<PlanCacheOptions>>(), LoggerFor<RedisPlanCache>(sp),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new RedisRateLimiter(sp.GetRequiredService<IConnectionMultiplexer>(), options));
        services.TryAddSingleton(sp => new LocalFallbackRateLimiter(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisRateLimiter>(),
            new MemoryRateLimiter(sp.GetService<TimeProvider>() ?? TimeProvider.System),
            LoggerFor<LocalFallbackRateLimiter>(sp)));
        services.TryAddSingleton(sp => new RedisRunEvents(sp.GetRequiredService<IConnectionMultiplexer>(), options, LoggerFor<RedisRunEvents>(sp), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<RedisReadiness>();

        services.Replace(ServiceDescriptor.Singleton<IPlanCache>(sp => sp.GetRequiredService<RedisPlanCache>()));
        services.Replace(ServiceDescriptor.Singleton<IRateLimiter>(sp => sp.GetRequiredService<LocalFallbackRateLimiter>()));
        services.Replace(ServiceDescriptor.Singleton<IRunEvents>(sp => sp.GetRequiredService<RedisRunEvents>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisListeningService>());
        return services;
    }

    // Works in a bare container too (tests, tools); a host registers logging anyway.
    private static ILogger<T> LoggerFor<T>(IServiceProvider services) =>
        services.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;
}
