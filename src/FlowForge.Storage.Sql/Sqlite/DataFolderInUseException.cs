namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>Another process holds the lock of a SQLite data folder: two processes would each take the whole store for their own.</summary>
public sealed class DataFolderInUseException : IOException
{
    public DataFolderInUseException()
    {
    }

    public DataFolderInUseException(string message)
        : base(message)
    {
    }

    public DataFolderInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataFolderInUseException(string folder, string? holder, Exception innerException)
        : base(
            $"The data folder {folder} is in use by another FlowForge process ({holder ?? "holder unknown"}). "
            + "Stop that process, or give this one another folder (--data DIR).",
            innerException)
    {
        Folder = folder;
        Holder = holder;
    }

    /// <summary>The folder that is locked.</summary>
    public string? Folder { get; }

    /// <summary>What the holder wrote about itself (process id, command, since when), when it could be read.</summary>
    public string? Holder { get; }
}
