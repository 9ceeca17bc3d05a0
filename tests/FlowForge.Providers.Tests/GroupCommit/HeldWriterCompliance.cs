using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>
/// What the set compliance suites share: stores of their own on the test's database with one group-commit writer, so that
/// a test can hold that writer busy (<see cref="ServerWriters.Hold"/>) while it queues the operations that are to share
/// the next batch.
/// </summary>
public abstract class HeldWriterCompliance(ServerStorageProvider provider) : StoreCompliance(provider), IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<SqlStorage> _stores = [];

    public new async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>A store of its own on the test's database, with one writer that batches up to 100 operations.</summary>
    protected SqlStorage Open()
    {
        var options = new SqlStorageOptions
        {
            Provider = Database.Options.Provider,
            ConnectionString = Database.Options.ConnectionString,
            GroupCommit = new GroupCommitOptions { Writers = 1, MaxBatchSize = 100 },
        };
        var store = SqlStorage.Create(options, Time);
        _stores.Add(store);
        return store;
    }
}
