using FlowForge.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowForge.Storage.Sql;

public static class SqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SqlStorage"/> behind every storage seam and <see cref="IStorageHealth"/>.
    /// The host calls <see cref="SqlStorage.MigrateAsync"/> at start-up before serving.
    /// </summary>
    public static IServiceCollection AddSqlStorage(this IServiceCollection services, SqlStorageOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => SqlStorage.Create(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFlowStore>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IRunStore>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IRunQueries>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IRecoveryStore>(sp => sp.GetRequiredService<SqlStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqlStorage>());
        return services;
    }
}
