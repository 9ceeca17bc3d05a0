using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>The real blob store, except that every read finds nothing: as after a blob folder was removed by hand.</summary>
public sealed class ForgetfulBlobStore(IBlobStore inner) : IBlobStore
{
    public Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        inner.WriteAsync(runId, content, cancellationToken);

    public Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

    public byte[]? Read(BlobReference blob) => null;

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken) => inner.DeleteRunBlobsAsync(runId, cancellationToken);
}
