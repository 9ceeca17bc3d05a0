namespace FlowForge.Engine.Storage;

/// <summary>
/// Large documents (node outputs over <c>Engine:InlineOutputBytes</c>) kept outside the run's rows, grouped by run.
/// A blob is written before the row that references it commits, and never changes afterwards; a blob whose
/// reference never committed (the process stopped in between) is harmless and goes with its run.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> for the run under a new id; durable when the task completes.</summary>
    Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The blob's bytes, or null when it is not in the store.</summary>
    Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken);

    /// <summary>
    /// The same, for a node's lazily resolved inputs, which are read from synchronous code (a <c>JsonNode</c> property):
    /// implemented with synchronous I/O, never by waiting on a task.
    /// </summary>
    byte[]? Read(BlobReference blob);

    /// <summary>Removes every blob of the run; nothing happens when it has none.</summary>
    Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken);
}
