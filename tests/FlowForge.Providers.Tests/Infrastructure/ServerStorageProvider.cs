using System.Collections.Concurrent;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// A database server: every test gets databases of its own (one per shard), with random names, that no other test
/// touches while it runs.
/// </summary>
/// <remarks>
/// Migrated databases are recycled: when a test ends, a database whose schema is still exactly that of a fresh
/// migration (tables, columns, indexes, routines, triggers and applied versions; see <see cref="Fingerprint"/>) is emptied
/// (its rows deleted; identities go on counting, as in a database that has been used) and handed to the next test that asks for a migrated database, instead
/// of being dropped while the next one is created and migrated. The migration's DDL is most of what a database test costs
/// on these servers (on MariaDB about 2 s a test under load, a fraction of a second for the rows). A database whose
/// schema a test changed, or that a test asked for unmigrated, is dropped as before. Tests whose figures depend on the
/// planner's statistics of the tables ask for <paramref name="freshDatabases"/>.
/// </remarks>
/// <param name="shards">Above 1, the store is a <see cref="ShardedSqlStorage"/> over that many databases (recycled as a set).</param>
/// <param name="freshDatabases">Every database created and migrated anew, for tests of query plans.</param>
public abstract class ServerStorageProvider(int shards, bool freshDatabases) : StorageProvider
{
    // Emptied database sets by provider and shard count, each with the provider that drops it when the process ends.
    private static readonly ConcurrentDictionary<string, ConcurrentBag<Recycled>> Pools = new();
    private static readonly ConcurrentDictionary<string, string> MigratedFingerprints = new();

    static ServerStorageProvider() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DropRecycled();

    protected abstract string Provider { get; }

    private ConcurrentBag<Recycled> Pool => Pools.GetOrAdd($"{Provider}/{shards}", _ => []);

    public override async Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true)
    {
        var recyclable = !freshDatabases;
        var reused = recyclable && migrate && Pool.TryTake(out var clean) ? clean : null;
        var name = reused?.Name ?? "fft_" + Guid.NewGuid().ToString("N");
        string[] databases = shards == 1 ? [name] : [.. Enumerable.Range(0, shards).Select(shard => $"{name}_{shard}")];
        if (reused is null)
        {
            foreach (var database in databases)
            {
                await CreateDatabaseAsync(database);
            }
        }

        var options = new SqlStorageOptions
        {
            Provider = Provider,
            ConnectionString = ConnectionStringFor(shards == 1 ? name : $"{name}_{SqlStorageOptions.ShardPlaceholder}"),
            Shards = shards,
        };
        var opened = await TestDatabase.OpenAsync(
            options,
            () => shards == 1 ? SqlStorage.Create(options, timeProvider) : ShardedSqlStorage.Create(options, timeProvider),
            migrate,
            () =>
            {
                if (!recyclable || !TryRecycle(name, databases))
                {
                    Drop(databases);
                }
            });
        if (recyclable && migrate && reused is null)
        {
            // The schema of a fresh migration, taken once per server from a database nothing has written to yet.
            MigratedFingerprints.GetOrAdd(Provider, _ => Fingerprint(databases[0]));
        }

        return opened;
    }

    /// <summary>The connection string of the store on <paramref name="database"/>.</summary>
    public abstract string ConnectionStringFor(string database);

    protected abstract Task CreateDatabaseAsync(string name);

    protected abstract void DropDatabase(string name);

    /// <summary>One text that changes with any table, column, index, routine, trigger or applied migration of <paramref name="database"/>.</summary>
    protected abstract string Fingerprint(string database);

    /// <summary>Deletes every row of <paramref name="database"/> but the applied migrations.</summary>
    protected abstract void Empty(string database);

    private bool TryRecycle(string name, string[] databases)
    {
        try
        {
            if (!MigratedFingerprints.TryGetValue(Provider, out var migrated) || databases.Any(database => Fingerprint(database) != migrated))
            {
                return false;
            }

            foreach (var database in databases)
            {
                Empty(database);
            }

            Pool.Add(new Recycled(name, databases, this));
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private void Drop(string[] databases)
    {
        foreach (var database in databases)
        {
            DropDatabase(database);
        }
    }

    private static void DropRecycled()
    {
        foreach (var pool in Pools.Values)
        {
            while (pool.TryTake(out var recycled))
            {
                try
                {
                    recycled.Owner.Drop(recycled.Databases);
                }
                catch (System.Data.Common.DbException)
                {
                    // The server may be stopping already; its folder goes with it.
                }
            }
        }
    }

    private sealed record Recycled(string Name, string[] Databases, ServerStorageProvider Owner);
}
