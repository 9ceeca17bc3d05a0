using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Providers.Tests.Options;

/// <summary>Storage:Provider for the server databases and Storage:Shards.</summary>
public sealed class SqlStorageOptionsProviderTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public void Validate_ServerDatabaseWithoutConnectionString_NamesConnectionString(string provider)
    {
        var options = new SqlStorageOptions { Provider = provider, DataDirectory = "data" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains(provider, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres", "postgres")]
    [InlineData(" PostgreS ", "postgres")]
    [InlineData("MySQL", "mysql")]
    public async Task Create_ServerDatabase_OpensPooledStoreOfThatDialectWithoutConnecting(string provider, string dialect)
    {
        var options = new SqlStorageOptions { Provider = provider, ConnectionString = "Server=127.0.0.1;Port=1;Database=nowhere" };

        await using var storage = SqlStorage.Create(options, TimeProvider.System);

        Assert.IsType<PooledSqlExecutor>(storage.Executor);
        Assert.Equal(dialect, storage.Executor.Dialect.Name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Create_ServerDatabase_GroupCommitsUnlessDisabled(bool enabled)
    {
        var options = new SqlStorageOptions
        {
            Provider = "postgres",
            ConnectionString = "Host=127.0.0.1;Port=1;Database=nowhere",
            GroupCommit = new GroupCommitOptions { Enabled = enabled },
        };

        await using var storage = SqlStorage.Create(options, TimeProvider.System);

        Assert.Equal(enabled, ((PooledSqlExecutor)storage.Executor).Writer is not null);
    }

    [Theory]
    [InlineData("MaxBatchSize", 0)]
    [InlineData("MaxBatchSize", 1001)]
    [InlineData("Writers", 0)]
    [InlineData("Writers", 65)]
    [InlineData("MaxConflictRetries", -1)]
    [InlineData("MaxConflictRetries", 21)]
    [InlineData("MaxWait", -1)]
    [InlineData("MaxWait", 1001)]
    public void Validate_GroupCommitSettingOutOfRange_NamesTheSetting(string setting, int value)
    {
        var groupCommit = new GroupCommitOptions();
        switch (setting)
        {
            case "MaxBatchSize": groupCommit.MaxBatchSize = value; break;
            case "Writers": groupCommit.Writers = value; break;
            case "MaxConflictRetries": groupCommit.MaxConflictRetries = value; break;
            default: groupCommit.MaxWait = TimeSpan.FromMilliseconds(value); break;
        }

        var options = new SqlStorageOptions { Provider = "postgres", ConnectionString = "Database=flowforge", GroupCommit = groupCommit };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains($"Storage:GroupCommit:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    public void Validate_ShardsOutOfRange_NamesShards(int shards)
    {
        var options = new SqlStorageOptions { Provider = "postgres", ConnectionString = "Database=flowforge_{shard}", Shards = shards };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Storage:Shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShardsWithoutPlaceholder_NamesShardsConnectionStringAndPlaceholder()
    {
        var options = new SqlStorageOptions { Provider = "mysql", ConnectionString = "Server=db;Database=flowforge", Shards = 2 };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Storage:Shards", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("{shard}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SeveralShards_IsRefusedNamingShards()
    {
        var options = new SqlStorageOptions { ConnectionString = "Data Source=/tmp/x_{shard}.db", Shards = 2 };

        var error = Assert.Throws<InvalidOperationException>(() => SqlStorage.Create(options, TimeProvider.System));

        Assert.Contains("Storage:Shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSqlStorage_TwoShards_ResolvesOneShardedStoreBehindEverySeam()
    {
        var directory = Path.Combine(SqliteStorageProvider.TempDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var options = new SqlStorageOptions { ConnectionString = $"Data Source={Path.Combine(directory, "flowforge_{shard}.db")}", Shards = 2 };
            var services = new ServiceCollection().AddSqlStorage(options);
            await using (var provider = services.BuildServiceProvider())
            {
                var storage = provider.GetRequiredService<ShardedSqlStorage>();
                await provider.GetRequiredService<ISqlStorage>().MigrateAsync(CancellationToken.None);

                Assert.Equal(2, storage.ShardCount);
                Assert.Same(storage, provider.GetRequiredService<ISqlStorage>());
                Assert.Same(storage, provider.GetRequiredService<IFlowStore>());
                Assert.Same(storage, provider.GetRequiredService<IUserStore>());
                Assert.Same(storage, provider.GetRequiredService<IRunStore>());
                Assert.Same(storage, provider.GetRequiredService<IRunQueries>());
                Assert.Same(storage, provider.GetRequiredService<IOutboxStore>());
                Assert.Same(storage, provider.GetRequiredService<IRecoveryStore>());
                Assert.Same(storage, provider.GetRequiredService<IStorageHealth>());
                Assert.Null(provider.GetService<SqlStorage>());
                Assert.True(await provider.GetRequiredService<IStorageHealth>().IsReadyAsync(CancellationToken.None));
            }

            Assert.True(File.Exists(Path.Combine(directory, "flowforge_0.db")));
            Assert.True(File.Exists(Path.Combine(directory, "flowforge_1.db")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
