using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    public Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        _blobs.WriteAsync(runId, content, cancellationToken);

    public Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken) => _blobs.ReadAsync(blob, cancellationToken);

    public byte[]? Read(BlobReference blob) => _blobs.Read(blob);

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken) => _blobs.DeleteRunBlobsAsync(runId, cancellationToken);
}
