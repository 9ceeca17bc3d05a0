using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>SQLite on a temporary file (never :memory:, which would hide WAL, locking and reopen behaviour).</summary>
public sealed class SqliteStorageProvider : StorageProvider
{
    public static string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "flowforge-provider-tests");

    public override Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true)
    {
        Directory.CreateDirectory(TempDirectory);
        var file = Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.db");
        var options = new SqlStorageOptions { Provider = SqlStorageOptions.Sqlite, ConnectionString = $"Data Source={file}" };
        return TestDatabase.OpenAsync(options, timeProvider, migrate, () => DeleteDatabaseFiles(file));
    }

    public static void DeleteDatabaseFiles(string file)
    {
        foreach (var path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            File.Delete(path);
        }
    }
}
