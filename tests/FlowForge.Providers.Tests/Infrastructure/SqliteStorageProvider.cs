using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Sqlite;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>SQLite on a temporary file (never :memory:, which would hide WAL, locking and reopen behaviour).</summary>
/// <param name="updateReturning">False runs the statements written for dialects without UPDATE … RETURNING (MySQL).</param>
public sealed class SqliteStorageProvider(bool updateReturning = true) : StorageProvider
{
    public static string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "flowforge-provider-tests");

    public override Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true)
    {
        Directory.CreateDirectory(TempDirectory);
        var file = Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.db");
        var options = new SqlStorageOptions { Provider = SqlStorageOptions.Sqlite, ConnectionString = $"Data Source={file}" };
        var dialect = updateReturning ? SqliteDialect.Instance : SqliteDialect.WithoutUpdateReturning;
        return TestDatabase.OpenAsync(
            options,
            () => new SqlStorage(new SqliteExecutor(options.ConnectionString, dialect), timeProvider),
            migrate,
            () => DeleteDatabaseFiles(file));
    }

    public static void DeleteDatabaseFiles(string file)
    {
        foreach (var path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            File.Delete(path);
        }

        if (Directory.Exists(file + "-blobs"))
        {
            Directory.Delete(file + "-blobs", recursive: true);
        }
    }
}
