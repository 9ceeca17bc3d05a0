using System.Globalization;

namespace FlowForge.Storage.Sql;

/// <summary>Where runs and flows are stored, bound to configuration section <c>Storage</c>.</summary>
public sealed class SqlStorageOptions
{
    public const string Section = "Storage";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    public const string MySql = "mysql";

    /// <summary>The placeholder in <see cref="ConnectionString"/> replaced by the shard number, 0 to <see cref="Shards"/> - 1.</summary>
    public const string ShardPlaceholder = "{shard}";

    /// <summary>The most shards a store can have: the shard number travels in the top bits of outbox ids.</summary>
    public const int MaxShards = 1024;

    /// <summary>The database kind: <c>sqlite</c> (default), <c>postgres</c> or <c>mysql</c> (MySQL 8 or MariaDB 10.6+).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The provider's connection string; takes precedence over <see cref="DataDirectory"/>. Required for postgres and mysql.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>For SQLite: the folder holding <c>flowforge.db</c>, created when missing.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// How many databases runs are spread over (by run id); flows, users and settings live on shard 0.
    /// Above 1, <see cref="ConnectionString"/> names them with <see cref="ShardPlaceholder"/>. Fixed once runs exist.
    /// </summary>
    public int Shards { get; set; } = 1;

    /// <summary>
    /// Whether state changes write their work messages to the outbox (default true). The server sets it, whatever the
    /// configuration says: false only for SQLite when the work queue is in process and this process the only worker,
    /// where the Ready nodes and timers in the same database are all a restart needs (the start-up scan rebuilds the
    /// queue from them and never reads the outbox).
    /// </summary>
    public bool WritesOutbox { get; set; } = true;

    /// <summary>How PostgreSQL and MySQL batch writes into transactions (<c>Storage:GroupCommit</c>).</summary>
    public GroupCommitOptions GroupCommit { get; set; } = new();

    /// <summary>When SQLite's write-ahead log is copied back into the database (<c>Storage:Checkpoint</c>).</summary>
    public CheckpointOptions Checkpoint { get; set; } = new();

    /// <summary>Throws an exception naming the setting at fault when these options cannot open a store.</summary>
    public void Validate()
    {
        if (ProviderKind is null)
        {
            throw new InvalidOperationException($"{Section}:Provider '{Provider}' is not supported; use '{Sqlite}', '{Postgres}' or '{MySql}'.");
        }

        if (Shards is < 1 or > MaxShards)
        {
            throw new InvalidOperationException($"{Section}:Shards is {Shards}; use a number from 1 to {MaxShards}.");
        }

        if (ProviderKind != Sqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException($"{Section}:Provider '{ProviderKind}' needs {Section}:ConnectionString.");
        }

        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException($"Set {Section}:DataDirectory (a folder for flowforge.db) or {Section}:ConnectionString.");
        }

        if (Shards > 1 && (ConnectionString is null || !ConnectionString.Contains(ShardPlaceholder, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"{Section}:Shards is {Shards}: {Section}:ConnectionString must name each shard's database with '{ShardPlaceholder}' (for example Database=flowforge_{ShardPlaceholder}).");
        }

        GroupCommit.Validate();
        Checkpoint.Validate();
    }

    /// <summary>The provider in lower case, or null when it is none of the supported ones.</summary>
    internal string? ProviderKind => Provider?.Trim().ToLowerInvariant() switch
    {
        Sqlite => Sqlite,
        Postgres => Postgres,
        MySql => MySql,
        _ => null,
    };

    /// <summary>The connection string of one shard (shard 0 of an unsharded store is the store itself).</summary>
    public string ConnectionStringFor(int shard) =>
        ProviderKind == Sqlite
            ? ResolveSqliteConnectionString().Replace(ShardPlaceholder, shard.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : ConnectionString!.Replace(ShardPlaceholder, shard.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    internal string ResolveSqliteConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        var directory = Path.GetFullPath(DataDirectory!);
        Directory.CreateDirectory(directory);
        return $"Data Source={Path.Combine(directory, "flowforge.db")}";
    }
}
