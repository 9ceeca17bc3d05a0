using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FlowForge.Storage.Sql;

public static class SqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one store behind every storage seam, <see cref="IStorageHealth"/> and <see cref="ISqlStorage"/>:
    /// a <see cref="SqlStorage"/> (also registered as itself), or a <see cref="ShardedSqlStorage"/> when
    /// <see cref="SqlStorageOptions.Shards"/> is above 1. The host calls <see cref="ISqlStorage.MigrateAsync"/>
    /// at start-up before serving.
    /// </summary>
    public static IServiceCollection AddSqlStorage(this IServiceCollection services, SqlStorageOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        if (options.Shards > 1)
        {
            services.AddSingleton(sp => ShardedSqlStorage.Create(options, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<ShardedSqlStorage>>()));
            services.AddSingleton<ISqlStorage>(sp => sp.GetRequiredService<ShardedSqlStorage>());
        }
        else
        {
            services.AddSingleton(sp => SqlStorage.Create(options, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<SqlStorage>>()));
            services.AddSingleton<ISqlStorage>(sp => sp.GetRequiredService<SqlStorage>());
        }

        services.AddSingleton<IFlowStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IAuthStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IApiTokenStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<INotificationStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IDigestStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IConnectionStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IOAuthStateStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<ILockStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IRunStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IChildRunStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<ISignalStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IRunQueries>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IRecoveryStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IWorkerStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<ITriggerStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IFiringRecoveryStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IScheduleStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IWebhookKeyStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<ISqlStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<ISqlStorage>());
        return services;
    }
}
