using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class SqlStorageOptionsTests
{
    [Fact]
    public async Task AddSqlStorage_DataDirectory_ResolvesOneStoreBehindEverySeam()
    {
        var directory = Path.Combine(SqliteStorageProvider.TempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            var services = new ServiceCollection().AddSqlStorage(new SqlStorageOptions { DataDirectory = directory });
            await using (var provider = services.BuildServiceProvider())
            {
                var storage = provider.GetRequiredService<SqlStorage>();
                await storage.MigrateAsync(CancellationToken.None);

                Assert.Same(storage, provider.GetRequiredService<IFlowStore>());
                Assert.Same(storage, provider.GetRequiredService<IUserStore>());
                Assert.Same(storage, provider.GetRequiredService<IRunStore>());
                Assert.Same(storage, provider.GetRequiredService<IRunQueries>());
                Assert.Same(storage, provider.GetRequiredService<IOutboxStore>());
                Assert.Same(storage, provider.GetRequiredService<IRecoveryStore>());
                Assert.Same(storage, provider.GetRequiredService<IStorageHealth>());
                Assert.True(await provider.GetRequiredService<IStorageHealth>().IsReadyAsync(CancellationToken.None));
            }

            Assert.True(File.Exists(Path.Combine(directory, "flowforge.db")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CreateRunAsync_WritesOutboxFalse_CommitsTheReadyTriggerAndNoOutboxRow()
    {
        var directory = Path.Combine(SqliteStorageProvider.TempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var storage = SqlStorage.Create(new SqlStorageOptions { DataDirectory = directory, WritesOutbox = false }, TimeProvider.System))
            {
                await storage.MigrateAsync(CancellationToken.None);
                var plan = TestPlans.Diamond(Guid.NewGuid());
                var runId = Guid.CreateVersion7();

                var creation = await ((IRunStore)storage).CreateRunAsync(
                    new NewRun(runId, Guid.NewGuid(), plan.FlowId, plan.Version, "{}", null, DateTimeOffset.UtcNow), plan, CancellationToken.None);

                Assert.Equal(OutboxMessage.NotStored, Assert.Single(creation.Messages).OutboxId);
                Assert.Empty(await storage.ReadPendingAsync(100, CancellationToken.None));
                // What recovery rebuilds the message from instead: the Ready trigger, committed with the run.
                var ready = await ((IRecoveryStore)storage).RequeueAbandonedAsync(
                    DateTimeOffset.UtcNow, noOtherWorkers: true, TimeSpan.FromMinutes(2), 100, CancellationToken.None);
                Assert.Equal(creation.Messages[0].Message, Assert.Single(ready).Message);
                Assert.Empty(await storage.ReadPendingAsync(100, CancellationToken.None));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Validate_UnknownProvider_NamesTheSetting()
    {
        var options = new SqlStorageOptions { Provider = "oracle", DataDirectory = "data" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoLocation_NamesBothSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(new SqlStorageOptions().Validate);

        Assert.Contains("Storage:DataDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory")]
    public void Create_InMemoryDatabase_IsRefused(string connectionString)
    {
        var options = new SqlStorageOptions { ConnectionString = connectionString };

        Assert.Throws<ArgumentException>(() => SqlStorage.Create(options, TimeProvider.System));
    }
}
