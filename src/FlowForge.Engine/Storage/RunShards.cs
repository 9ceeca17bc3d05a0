namespace FlowForge.Engine.Storage;

/// <summary>
/// Which shard holds a run: a hash of its id, so every process finds it without asking anyone. The store puts the run
/// on that database and the broker its work messages on that shard's queue.
/// </summary>
public static class RunShards
{
    private const ulong FnvOffsetBasis = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>
    /// FNV-1a (64 bit) over the id's RFC 4122 bytes, modulo the shard count. Both are fixed by their
    /// specifications, so the answer never changes between processes, machines or .NET versions
    /// (<see cref="Guid.GetHashCode"/> promises none of that).
    /// </summary>
    public static int ShardOf(Guid runId, int shards)
    {
        if (shards == 1)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        runId.TryWriteBytes(bytes, bigEndian: true, out _);
        var hash = FnvOffsetBasis;
        foreach (var value in bytes)
        {
            hash ^= value;
            hash *= FnvPrime;
        }

        return (int)(hash % (ulong)shards);
    }
}
