using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>One test's database: the store open on it, further stores on the same database, and its removal.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<SqlStorage> _open;
    private readonly Action _delete;
    private readonly List<SqlStorage> _others = [];

    private TestDatabase(SqlStorageOptions options, Func<SqlStorage> open, Action delete)
    {
        Options = options;
        _open = open;
        _delete = delete;
        Storage = open();
    }

    public SqlStorageOptions Options { get; }

    public SqlStorage Storage { get; private set; }

    /// <param name="open">Opens a store on the database <paramref name="options"/> name; called again for every further store.</param>
    public static async Task<TestDatabase> OpenAsync(SqlStorageOptions options, Func<SqlStorage> open, bool migrate, Action delete)
    {
        var database = new TestDatabase(options, open, delete);
        if (migrate)
        {
            await database.Storage.MigrateAsync(CancellationToken.None);
        }

        return database;
    }

    /// <summary>A second store on the same database, as another process would open it. Not migrated.</summary>
    public SqlStorage OpenAnother()
    {
        var storage = _open();
        _others.Add(storage);
        return storage;
    }

    /// <summary>Closes the store and opens the database again, as after a restart.</summary>
    public async Task<SqlStorage> ReopenAsync()
    {
        await Storage.DisposeAsync();
        Storage = _open();
        await Storage.MigrateAsync(CancellationToken.None);
        return Storage;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await Storage.DisposeAsync();
        _delete();
    }
}
