using System.Collections.Concurrent;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>Blobs in memory, counting the reads of each: for checking what an execution reads and how often.</summary>
public sealed class CountingBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<Guid, byte[]> _blobs = new();
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public BlobReference Add(Guid runId, byte[] content)
    {
        var id = Guid.CreateVersion7();
        _blobs[id] = content;
        return new BlobReference(runId, id, content.Length);
    }

    public Task<BlobReference> WriteAsync(Guid runId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Task.FromResult(Add(runId, content.ToArray()));

    public Task<byte[]?> ReadAsync(BlobReference blob, CancellationToken cancellationToken) => Task.FromResult(Read(blob));

    public byte[]? Read(BlobReference blob)
    {
        Interlocked.Increment(ref _reads);
        return _blobs.GetValueOrDefault(blob.Id);
    }

    public Task DeleteRunBlobsAsync(Guid runId, CancellationToken cancellationToken) => Task.CompletedTask;
}
