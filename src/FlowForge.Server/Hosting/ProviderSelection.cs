using System.Runtime.CompilerServices;
using FlowForge.Scaling;
using FlowForge.Scaling.Rabbit;
using FlowForge.Scaling.Redis;
using FlowForge.Server.Hosting.Health;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Hosting;

/// <summary>
/// The one place that turns configured kinds into providers. The broker and cache clients are touched only
/// in their own methods, so the embedded default never loads them.
/// </summary>
internal static class ProviderSelection
{
    /// <summary>The tag of the health checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    // A check that has not answered by then counts as failed, so a probe never hangs on a dead server.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] Ready = [ReadyTag];

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

    /// <summary>
    /// Readiness: the store's schema and writer, the database server, the work queue, the broker and the cache of
    /// the configured kinds (the maintained AspNetCore.HealthChecks checks where one fits), and the recovery scan.
    /// </summary>
    public static IServiceCollection AddProviderHealthChecks(this IServiceCollection services, IConfiguration configuration, ProviderKinds kinds)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: Ready, timeout: CheckTimeout)
            .AddCheck<QueueHealthCheck>("queue", tags: Ready, timeout: CheckTimeout)
            .AddCheck<RecoveryHealthCheck>("recovery", tags: Ready, timeout: CheckTimeout);

        var storage = StorageOptions(configuration, kinds, "data");
        for (var shard = 0; shard < storage.Shards; shard++)
        {
            var store = ProviderKinds.Name(kinds.Store);
            var name = storage.Shards == 1 ? store : $"{store}-{shard}";
            if (kinds.Store == StoreKind.Postgres)
            {
                AddPostgresCheck(checks, name, storage.ConnectionStringFor(shard));
            }
            else if (kinds.Store == StoreKind.MySql)
            {
                checks.AddCheck(name, new MySqlHealthCheck(storage.ConnectionStringFor(shard)), tags: Ready, timeout: CheckTimeout);
            }
        }

        if (kinds.Queue == QueueKind.RabbitMq)
        {
            AddRabbitCheck(checks);
        }

        if (kinds.Cache == CacheKind.Redis)
        {
            AddRedisChecks(checks);
        }

        return services;
    }

    /// <summary>Storage options from configuration, with the embedded default's data folder.</summary>
    public static SqlStorageOptions StorageOptions(IConfiguration configuration, ProviderKinds kinds, string defaultDataDirectory)
    {
        var storage = configuration.GetSection(SqlStorageOptions.Section).Get<SqlStorageOptions>() ?? new SqlStorageOptions();
        storage.Provider = ProviderKinds.Name(kinds.Store);
        // Never from configuration: skipping the outbox is safe only where the queue can be rebuilt from state alone.
        storage.WritesOutbox = !kinds.SoleWorker;
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

        // One work queue per state shard, so the queues scale with the databases.
        options.Shards = configuration.GetSection(SqlStorageOptions.Section).GetValue(nameof(SqlStorageOptions.Shards), 1);
        services.AddRabbitWorkQueue(options);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        services.AddRedisCache(options);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgresCheck(IHealthChecksBuilder checks, string name, string connectionString) =>
        checks.AddNpgSql(connectionString, name: name, tags: Ready, timeout: CheckTimeout);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRabbitCheck(IHealthChecksBuilder checks) =>
        // The queue's own publishing connection: it recovers by itself, and a probe opens no connection of its own.
        checks.AddRabbitMQ(
            sp => sp.GetRequiredService<RabbitWorkQueue>().GetPublishConnectionAsync(CancellationToken.None).AsTask(),
            name: "rabbitmq", tags: Ready, timeout: CheckTimeout);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedisChecks(IHealthChecksBuilder checks) =>
        checks.AddRedis(sp => sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), name: "redis", tags: Ready, timeout: CheckTimeout)
            .AddCheck<RedisSubscriptionsHealthCheck>("redis-subscriptions", tags: Ready, timeout: CheckTimeout);
}
