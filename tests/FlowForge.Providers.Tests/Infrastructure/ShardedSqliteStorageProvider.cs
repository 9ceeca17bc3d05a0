using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>A <see cref="ShardedSqlStorage"/> over SQLite files, one per shard.</summary>
public sealed class ShardedSqliteStorageProvider(int shards = 2) : StorageProvider
{
    public override Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true)
    {
        Directory.CreateDirectory(SqliteStorageProvider.TempDirectory);
        var name = Guid.NewGuid().ToString("N");
        var options = new SqlStorageOptions
        {
            Provider = SqlStorageOptions.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(SqliteStorageProvider.TempDirectory, $"{name}_{SqlStorageOptions.ShardPlaceholder}.db")}",
            Shards = shards,
        };
        return TestDatabase.OpenAsync(
            options,
            () => ShardedSqlStorage.Create(options, timeProvider),
            migrate,
            () =>
            {
                for (var shard = 0; shard < shards; shard++)
                {
                    SqliteStorageProvider.DeleteDatabaseFiles(Path.Combine(SqliteStorageProvider.TempDirectory, $"{name}_{shard}.db"));
                }
            });
    }
}
