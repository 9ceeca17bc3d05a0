using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Blobs;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Migrations;
using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Extensions.Logging;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Flows, users, runs, the outbox and recovery on one SQL database. The store logic is shared ADO.NET
/// over a <see cref="SqlExecutor"/>, which decides how a write becomes a transaction (for SQLite: a
/// savepoint inside a group commit) and where reads run.
/// </summary>
public sealed partial class SqlStorage : ISqlStorage
{
    private readonly SqlExecutor _executor;
    private readonly SqlMigrator _migrator;
    private readonly TimeProvider _time;
    private readonly IBlobStore _blobs;
    private readonly RunInputCache _runInputs = new();
    private readonly FlowTextCache _flowTexts = new();

    internal SqlStorage(SqlExecutor executor, TimeProvider timeProvider)
    {
        _executor = executor;
        _time = timeProvider;
        _migrator = new SqlMigrator(executor.Dialect, timeProvider);
        _blobs = executor switch
        {
            SqliteExecutor sqlite => new FileBlobStore(FileBlobStore.FolderFor(sqlite.DataSource)),
            PooledSqlExecutor pooled => new SqlBlobStore(pooled, pooled.DataSource, timeProvider),
            _ => throw new ArgumentException($"No blob store is known for {executor.GetType().Name}.", nameof(executor)),
        };
    }

    /// <summary>Where this store keeps blobs: files beside a SQLite database, the Blobs table on a server.</summary>
    internal IBlobStore Blobs => _blobs;

    internal SqlExecutor Executor => _executor;

    internal SqlMigrator Migrator => _migrator;

    /// <summary>
    /// Opens the store the options name. No connection is made until the first operation. Options with more
    /// than one shard open a <see cref="ShardedSqlStorage"/> instead.
    /// </summary>
    public static SqlStorage Create(SqlStorageOptions options, TimeProvider timeProvider, ILogger? logger = null)
    {
        options.Validate();
        if (options.Shards > 1)
        {
            throw new InvalidOperationException(
                $"{SqlStorageOptions.Section}:Shards is {options.Shards}: open the store with {nameof(ShardedSqlStorage)}.{nameof(ShardedSqlStorage.Create)}.");
        }

        return CreateShard(options, 0, timeProvider, logger);
    }

    /// <summary>The store on one shard's database (the only one when the options name a single database).</summary>
    internal static SqlStorage CreateShard(SqlStorageOptions options, int shard, TimeProvider timeProvider, ILogger? logger = null)
    {
        var connectionString = options.ConnectionStringFor(shard);
        SqlExecutor executor = options.ProviderKind switch
        {
            SqlStorageOptions.Postgres => new PooledSqlExecutor(PostgresDialect.CreateDataSource(connectionString), PostgresDialect.Instance, options.GroupCommit),
            SqlStorageOptions.MySql => new PooledSqlExecutor(MySqlDialect.CreateDataSource(connectionString), MySqlDialect.Instance, options.GroupCommit),
            _ => new SqliteExecutor(connectionString, SqliteDialect.Instance, options.WritesOutbox, options.Checkpoint, logger),
        };
        return new SqlStorage(executor, timeProvider);
    }

    /// <summary>Brings the schema to this build's version; safe to call from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = _executor.OpenMigrationConnection();
        await _migrator.MigrateAsync(connection, cancellationToken);
    }

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (!_executor.IsRunning)
        {
            return false;
        }

        try
        {
            var version = await _executor.ReadAsync(
                static (session, _, ct) => new ValueTask<int>(SqlMigrator.CurrentVersionAsync(session.Connection, ct)), 0, cancellationToken);
            return version >= _migrator.LatestVersion;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or StoreUnavailableException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _executor.DisposeAsync();
}
