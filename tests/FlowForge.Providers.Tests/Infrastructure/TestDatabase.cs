using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>One test's database: the store open on it, further stores on the same database, and its removal.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly Action _delete;
    private readonly List<SqlStorage> _others = [];

    private TestDatabase(SqlStorageOptions options, TimeProvider timeProvider, Action delete)
    {
        Options = options;
        _timeProvider = timeProvider;
        _delete = delete;
        Storage = SqlStorage.Create(options, timeProvider);
    }

    public SqlStorageOptions Options { get; }

    public SqlStorage Storage { get; private set; }

    public static async Task<TestDatabase> OpenAsync(SqlStorageOptions options, TimeProvider timeProvider, bool migrate, Action delete)
    {
        var database = new TestDatabase(options, timeProvider, delete);
        if (migrate)
        {
            await database.Storage.MigrateAsync(CancellationToken.None);
        }

        return database;
    }

    /// <summary>A second store on the same database, as another process would open it. Not migrated.</summary>
    public SqlStorage OpenAnother()
    {
        var storage = SqlStorage.Create(Options, _timeProvider);
        _others.Add(storage);
        return storage;
    }

    /// <summary>Closes the store and opens the database again, as after a restart.</summary>
    public async Task<SqlStorage> ReopenAsync()
    {
        await Storage.DisposeAsync();
        Storage = SqlStorage.Create(Options, _timeProvider);
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
