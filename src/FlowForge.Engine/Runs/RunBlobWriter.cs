using FlowForge.Engine.Nodes;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>The <see cref="IRunBlobWriter"/> a node execution gets: the blob store, bound to the node's run.</summary>
internal sealed class RunBlobWriter(IBlobStore blobs, Guid runId) : IRunBlobWriter
{
    public Task<BlobReference> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        blobs.WriteAsync(runId, content, cancellationToken);
}
