using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;

namespace FlowForge.Server.Cli;

/// <summary>
/// The engine host a CLI command works in. <see cref="ForConfiguredStore"/> reads the deployment's settings (migrate,
/// flows); <see cref="ForLocalFolder"/> keeps to one folder's SQLite store whatever the environment says (run, runs retry).
/// </summary>
internal static class CliHost
{
    /// <summary>A host builder over the configured store: <c>FLOWFORGE_</c> variables, then the command line.</summary>
    public static HostApplicationBuilder ForConfiguredStore(IReadOnlyList<string> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. configuration] });
        builder.Configuration.AddEnvironmentVariables(FlowForgeApp.EnvironmentPrefix);
        builder.Configuration.AddCommandLine([.. configuration]);
        builder.Logging.ClearProviders();
        return builder;
    }

    /// <summary>A host builder over the SQLite store in <paramref name="dataDirectory"/>, with the in-process queue and cache.</summary>
    public static HostApplicationBuilder ForLocalFolder(IReadOnlyList<string> settings, string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. settings] });
        builder.Logging.ClearProviders();

        // Last, so that nothing in the environment or appsettings.json points the command at a server's store or broker.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ProviderKinds.StoreKey] = SqlStorageOptions.Sqlite,
            [$"{SqlStorageOptions.Section}:{nameof(SqlStorageOptions.ConnectionString)}"] = "",
            [$"{SqlStorageOptions.Section}:{nameof(SqlStorageOptions.DataDirectory)}"] = dataDirectory,
            [$"{SqlStorageOptions.Section}:{nameof(SqlStorageOptions.Shards)}"] = "1",
            [ProviderKinds.QueueKey] = ProviderKinds.Name(QueueKind.InProcess),
            [ProviderKinds.CacheKey] = ProviderKinds.Name(CacheKind.Memory),
            [ProviderKinds.RoleKey] = ProviderKinds.Name(ServerRole.All),
        });
        return builder;
    }

    /// <summary>
    /// Adds FlowForge's services, builds and validates the settings; null after writing the problems to
    /// <paramref name="error"/> (the command then exits with <see cref="FlowForgeCli.UsageError"/>).
    /// </summary>
    public static async Task<IHost?> TryBuildAsync(HostApplicationBuilder builder, string defaultDataDirectory, string processName, TextWriter error)
    {
        try
        {
            builder.Services.AddFlowForgeCore(builder.Configuration, ProviderKinds.Read(builder.Configuration), defaultDataDirectory, processName);
            var host = builder.Build();
            ValidatedOptions.ValidateNow(host.Services);
            return host;
        }
        catch (Exception ex) when (StartupFailure.Describe(ex) is { } problems)
        {
            await StartupFailure.WriteAsync(error, problems);
            return null;
        }
    }

    /// <summary>Takes the data folder's lock; false after saying which process holds it.</summary>
    public static async Task<bool> TryLockDataFolderAsync(IHost host, TextWriter error)
    {
        try
        {
            host.Services.GetRequiredService<DataFolderLock>();
            return true;
        }
        catch (DataFolderInUseException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return false;
        }
    }
}
