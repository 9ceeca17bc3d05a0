using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>
/// An exclusive operating-system lock on <c>flowforge.lock</c> in every folder holding a SQLite file of the store,
/// held for the life of the process that executes work there. An embedded store serves one process: a second one
/// would treat the first one's Running nodes as orphaned and run them again. The lock is the open file itself, so
/// the system releases it when the process ends, however it ends: a file left behind after a crash blocks nobody.
/// PostgreSQL and MySQL are shared by design and take no lock.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    public const string FileName = "flowforge.lock";

    /// <summary>Beside the lock: who holds it, for the message the next process shows (the locked file itself cannot be read).</summary>
    public const string HolderFileName = "flowforge.lock.holder";

    private readonly List<FileStream> _held;

    private DataFolderLock(List<FileStream> held, IReadOnlyList<string> folders)
    {
        _held = held;
        Folders = folders;
    }

    /// <summary>The folders locked (none for a shared database).</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>
    /// Locks the folder of every SQLite file the options name, or throws <see cref="DataFolderInUseException"/>
    /// naming the folder and, when known, the process holding it. <paramref name="holder"/> describes this process.
    /// </summary>
    public static DataFolderLock Acquire(SqlStorageOptions options, string holder)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folders = FoldersOf(options);
        var held = new List<FileStream>(folders.Count);
        try
        {
            foreach (var folder in folders)
            {
                held.Add(LockFolder(folder, holder));
            }
        }
        catch
        {
            foreach (var stream in held)
            {
                stream.Dispose();
            }

            throw;
        }

        return new DataFolderLock(held, folders);
    }

    public void Dispose()
    {
        foreach (var stream in _held)
        {
            stream.Dispose();
        }

        _held.Clear();
    }

    /// <summary>The distinct folders of the store's SQLite files; empty for PostgreSQL and MySQL.</summary>
    internal static IReadOnlyList<string> FoldersOf(SqlStorageOptions options)
    {
        if (options.ProviderKind != SqlStorageOptions.Sqlite)
        {
            return [];
        }

        var folders = new SortedSet<string>(StringComparer.Ordinal);
        for (var shard = 0; shard < options.Shards; shard++)
        {
            var dataSource = new SqliteConnectionStringBuilder(options.ConnectionStringFor(shard)).DataSource;
            if (!string.IsNullOrWhiteSpace(dataSource) && dataSource.Trim() != ":memory:")
            {
                folders.Add(Path.GetDirectoryName(Path.GetFullPath(dataSource)) ?? Path.GetFullPath("."));
            }
        }

        return [.. folders];
    }

    private static FileStream LockFolder(string folder, string holder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive lock of the open file (flock on Unix, a sharing lock on Windows).
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new DataFolderInUseException(folder, ReadHolder(folder), ex);
        }

        try
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} on {Environment.MachineName} ({holder}), since {DateTimeOffset.UtcNow:u}");
            File.WriteAllText(Path.Combine(folder, HolderFileName), text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only the message of a later refusal is poorer; the lock holds.
        }

        return stream;
    }

    private static string? ReadHolder(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, HolderFileName)).Trim();
            return text.Length is > 0 and <= 500 ? text : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
