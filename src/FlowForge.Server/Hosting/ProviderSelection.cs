using System.Runtime.CompilerServices;
using FlowForge.Scaling;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Redis;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Hosting;

/// <summary>
/// The one place that turns configured kinds into providers. The broker and cache clients are touched only
/// in their own methods, so the embedded default never loads them.
/// </summary>
internal static class ProviderSelection
{
    public static IServiceCollection AddSelectedProviders(this IServiceCollection services, IConfiguration configuration, ProviderKinds kinds)
    {
        if (kinds.Queue == QueueKind.RabbitMq)
        {
            AddRabbit(services, configuration);
        }

        if (kinds.Cache == CacheKind.Redis)
        {
            AddRedis(services, configuration);
        }

        return services;
    }

    /// <summary>Storage options from configuration, with the embedded default's data folder.</summary>
    public static SqlStorageOptions StorageOptions(IConfiguration configuration, ProviderKinds kinds, string defaultDataDirectory)
    {
        var storage = configuration.GetSection(SqlStorageOptions.Section).Get<SqlStorageOptions>() ?? new SqlStorageOptions();
        storage.Provider = ProviderKinds.Name(kinds.Store);
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            storage.DataDirectory = Path.GetFullPath(storage.DataDirectory ?? defaultDataDirectory);
        }

        return storage;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRabbit(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RabbitOptions.Section).Get<RabbitOptions>() ?? new RabbitOptions();
        services.AddRabbitWorkQueue(options);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        services.AddRedisCache(options);
        services.AddSingleton<IReadinessCheck, RedisReadinessCheck>();
    }

    private sealed class RedisReadinessCheck(RedisReadiness redis) : IReadinessCheck
    {
        public string Name => redis.Name;

        public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => redis.IsReadyAsync(cancellationToken);
    }
}
