using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// A database server: every test gets new databases with random names (one per shard), dropped when it ends.
/// </summary>
/// <param name="shards">Above 1, the store is a <see cref="ShardedSqlStorage"/> over that many databases.</param>
public abstract class ServerStorageProvider(int shards) : StorageProvider
{
    protected abstract string Provider { get; }

    public override async Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true)
    {
        var name = "fft_" + Guid.NewGuid().ToString("N");
        string[] databases = shards == 1 ? [name] : [.. Enumerable.Range(0, shards).Select(shard => $"{name}_{shard}")];
        foreach (var database in databases)
        {
            await CreateDatabaseAsync(database);
        }

        var options = new SqlStorageOptions
        {
            Provider = Provider,
            ConnectionString = ConnectionStringFor(shards == 1 ? name : $"{name}_{SqlStorageOptions.ShardPlaceholder}"),
            Shards = shards,
        };
        return await TestDatabase.OpenAsync(
            options,
            () => shards == 1 ? SqlStorage.Create(options, timeProvider) : ShardedSqlStorage.Create(options, timeProvider),
            migrate,
            () =>
            {
                foreach (var database in databases)
                {
                    DropDatabase(database);
                }
            });
    }

    /// <summary>The connection string of the store on <paramref name="database"/>.</summary>
    public abstract string ConnectionStringFor(string database);

    protected abstract Task CreateDatabaseAsync(string name);

    protected abstract void DropDatabase(string name);
}
