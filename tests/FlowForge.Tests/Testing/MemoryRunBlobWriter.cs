using System.Collections.Concurrent;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>An <see cref="IRunBlobWriter"/> that keeps what nodes write in memory, by blob id, for tests to read.</summary>
public sealed class MemoryRunBlobWriter : IRunBlobWriter
{
    private readonly Guid _runId = Guid.NewGuid();

    public ConcurrentDictionary<Guid, byte[]> Written { get; } = new();

    public Task<BlobReference> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        Written[id] = content.ToArray();
        return Task.FromResult(new BlobReference(_runId, id, content.Length));
    }
}
