using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// Keeps bytes a node produced (a downloaded file) in the engine's blob store, with the node's run: a node's output then
/// holds the returned reference instead of the bytes, and the blob is deleted with the run.
/// </summary>
public interface IRunBlobWriter
{
    /// <summary>Stores <paramref name="content"/> under a new id; durable when the task completes.</summary>
    Task<BlobReference> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
