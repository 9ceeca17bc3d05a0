using Microsoft.Data.Sqlite;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>Opens the three kinds of connection the SQLite store uses, each with its pragmas.</summary>
internal sealed class SqliteConnectionFactory
{
    // Long enough for another process's migration or checkpoint, short enough to surface a stuck lock.
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;

    public SqliteConnectionFactory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource)
            || builder.DataSource.Trim() == ":memory:"
            || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                "The SQLite store needs a database file: set Storage:DataDirectory or a Storage:ConnectionString with 'Data Source=<file>'.",
                nameof(connectionString));
        }

        builder.Mode = SqliteOpenMode.ReadWriteCreate;

        // The store keeps its own connections for as long as it lives; the driver's pool would only keep
        // file handles open after the store is disposed.
        builder.Pooling = false;
        builder.DefaultTimeout = BusyTimeoutMilliseconds / 1000;
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    public string DataSource { get; }

    /// <summary>
    /// The connection of the single writer, and of migrations: WAL, and fsync on every commit. Without
    /// <paramref name="autoCheckpoint"/> its commits never checkpoint (a <see cref="SqliteCheckpointer"/> does).
    /// </summary>
    public SqliteConnection OpenWriter(bool autoCheckpoint = true)
    {
        var connection = Open();
        try
        {
            // Before anything else: switching a new database to WAL may wait for another process doing the same.
            Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}");
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                var mode = command.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"SQLite could not switch '{DataSource}' to WAL journal mode (it reports '{mode}'); put the database on a local file system.");
                }
            }

            // A 16 MiB page cache: the pages the writer touches (the tables' and indexes' right edges) fit, and the rest
            // is one read from the OS page cache away. At 64 MiB the cache filled with written rows and was the largest
            // native share of the process under load (docs/benchmarks.md, "Large payloads: copies and memory").
            Execute(connection, """
                PRAGMA synchronous = FULL;
                PRAGMA foreign_keys = OFF;
                PRAGMA temp_store = MEMORY;
                PRAGMA cache_size = -16384;
                """);
            if (!autoCheckpoint)
            {
                Execute(connection, "PRAGMA wal_autocheckpoint = 0");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A connection for queries; WAL lets it read the last committed state while the writer works.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = Open();
        try
        {
            Execute(connection, $"""
                PRAGMA busy_timeout = {BusyTimeoutMilliseconds};
                PRAGMA query_only = ON;
                PRAGMA temp_store = MEMORY;
                PRAGMA cache_size = -2048;
                """);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The connection of the <see cref="SqliteCheckpointer"/>: <c>synchronous=FULL</c>, so a checkpoint fsyncs the database
    /// before the log it copied is reused.
    /// </summary>
    public SqliteConnection OpenCheckpointer(int busyTimeoutMilliseconds)
    {
        var connection = Open();
        try
        {
            Execute(connection, $"""
                PRAGMA busy_timeout = {busyTimeoutMilliseconds};
                PRAGMA synchronous = FULL;
                PRAGMA wal_autocheckpoint = 0;
                PRAGMA cache_size = -256;
                """);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
