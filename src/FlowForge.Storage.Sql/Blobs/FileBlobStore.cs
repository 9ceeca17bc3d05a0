using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql.Blobs;

/// <summary>
/// The embedded blob store: one file per blob in a folder beside the SQLite database (<c>flowforge.db-blobs</c>),
/// one sub-folder per run, so a run's blobs go with one recursive delete. A blob's id is new for every write,
/// so a file is never rewritten: a write that stopped half-way is a file no committed row references.
/// </summary>
internal sealed class FileBlobStore(string directory) : IBlobStore
{
    /// <summary>The folder of a database file's blobs: its name with <c>-blobs</c> appended, as SQLite names its <c>-wal</c> file.</summary>
    public static string FolderFor(string databaseFile) => Path.GetFullPath(databaseFile) + "-blobs";

    public string Directory { get; } = directory;

    public async Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var folder = RunFolder(runId);
        System.IO.Directory.CreateDirectory(folder);
        var file = new FileStream(Path.Combine(folder, FileName(id)), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);

            // On disk before the row that references it commits.
            file.Flush(flushToDisk: true);
        }

        return new BlobReference(runId, id, content.Length);
    }

    public async Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(blob), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public byte[]? Read(BlobReference blob)
    {
        try
        {
            return File.ReadAllBytes(PathOf(blob));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            System.IO.Directory.Delete(RunFolder(runId), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The run never had a blob.
        }

        return Task.CompletedTask;
    }

    private string RunFolder(Guid runId) => Path.Combine(Directory, runId.ToString("N"));

    private string PathOf(BlobReference blob) => Path.Combine(RunFolder(blob.RunId), FileName(blob.Id));

    private static string FileName(Guid id) => id.ToString("N") + ".json";
}
