using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>One test's database: the store open on it, further stores on the same database, and its removal.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ISqlStorage> _open;
    private readonly Action _delete;
    private readonly List<ISqlStorage> _others = [];

    private TestDatabase(SqlStorageOptions options, Func<ISqlStorage> open, Action delete)
    {
        Options = options;
        _open = open;
        _delete = delete;
        Store = open();
    }

    public SqlStorageOptions Options { get; }

    /// <summary>The store open on the database: a <see cref="SqlStorage"/>, or a <see cref="ShardedSqlStorage"/> over several.</summary>
    public ISqlStorage Store { get; private set; }

    /// <summary>The store, for tests of a single database.</summary>
    public SqlStorage Storage => Store as SqlStorage ?? throw new InvalidOperationException("This test database is sharded; use Store.");

    /// <param name="open">Opens a store on the database <paramref name="options"/> name; called again for every further store.</param>
    public static async Task<TestDatabase> OpenAsync(SqlStorageOptions options, Func<ISqlStorage> open, bool migrate, Action delete)
    {
        var database = new TestDatabase(options, open, delete);
        if (migrate)
        {
            await database.Store.MigrateAsync(CancellationToken.None);
        }

        return database;
    }

    /// <summary>A second store on the same database, as another process would open it. Not migrated.</summary>
    public ISqlStorage OpenAnother()
    {
        var storage = _open();
        _others.Add(storage);
        return storage;
    }

    /// <summary>Closes the store and opens the database again, as after a restart.</summary>
    public async Task<ISqlStorage> ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = _open();
        await Store.MigrateAsync(CancellationToken.None);
        return Store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await Store.DisposeAsync();
        _delete();
    }
}
