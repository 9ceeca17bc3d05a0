using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>A run's blobs live on the run's shard, beside the rows that reference them.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].WriteAsync(runId, content, cancellationToken);

    public Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken) =>
        _shards[ShardOf(blob.RunId)].ReadAsync(blob, cancellationToken);

    public byte[]? Read(BlobReference blob) => _shards[ShardOf(blob.RunId)].Read(blob);

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].DeleteRunBlobsAsync(runId, cancellationToken);
}
