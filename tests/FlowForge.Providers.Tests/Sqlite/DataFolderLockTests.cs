using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class DataFolderLockTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-lock-");

    public void Dispose() => _folder.Delete(recursive: true);

    private SqlStorageOptions Embedded(string? folder = null) =>
        new() { Provider = SqlStorageOptions.Sqlite, DataDirectory = folder ?? _folder.FullName };

    [Fact]
    public void Acquire_FolderAlreadyLocked_ThrowsNamingTheFolderAndTheHolder()
    {
        using var first = DataFolderLock.Acquire(Embedded(), "flowforge serve");

        var refused = Assert.Throws<DataFolderInUseException>(() => DataFolderLock.Acquire(Embedded(), "flowforge run"));

        Assert.Equal(_folder.FullName, refused.Folder);
        Assert.Contains(_folder.FullName, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("flowforge serve", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--data", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_AfterTheHolderReleased_SucceedsAlthoughTheFilesAreStillThere()
    {
        DataFolderLock.Acquire(Embedded(), "flowforge serve").Dispose();
        Assert.True(File.Exists(Path.Combine(_folder.FullName, DataFolderLock.FileName)));

        using var second = DataFolderLock.Acquire(Embedded(), "flowforge serve");

        Assert.Equal([_folder.FullName], second.Folders);
    }

    [Fact]
    public void Acquire_ShardsInTwoFolders_LocksEachAndRefusesASecondHolderOfEither()
    {
        var other = Directory.CreateDirectory(Path.Combine(_folder.FullName, "other")).FullName;
        var sharded = new SqlStorageOptions
        {
            Provider = SqlStorageOptions.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_folder.FullName, "shard-{shard}.db")}",
            Shards = 2,
        };
        using var both = DataFolderLock.Acquire(sharded, "flowforge serve");

        var refused = Assert.Throws<DataFolderInUseException>(() => DataFolderLock.Acquire(Embedded(_folder.FullName), "flowforge run"));

        Assert.Equal([_folder.FullName], both.Folders);
        Assert.Equal(_folder.FullName, refused.Folder);
        using var unrelated = DataFolderLock.Acquire(Embedded(other), "flowforge run");
    }

    [Fact]
    public void Acquire_SharedDatabase_LocksNothing()
    {
        var postgres = new SqlStorageOptions { Provider = SqlStorageOptions.Postgres, ConnectionString = "Host=127.0.0.1;Database=flowforge" };

        using var first = DataFolderLock.Acquire(postgres, "flowforge serve");
        using var second = DataFolderLock.Acquire(postgres, "flowforge serve");

        Assert.Empty(first.Folders);
        Assert.Empty(second.Folders);
    }
}
