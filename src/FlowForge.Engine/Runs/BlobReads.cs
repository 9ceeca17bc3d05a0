using System.Text.Json;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Blob-stored outputs read by node executions, parsed once and shared while any execution holds them: the
/// hundreds of children of one large output read it once, not once each. A blob never changes, so sharing is safe.
/// </summary>
public sealed class BlobReads(IBlobStore blobs)
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    /// <summary>Blobs parsed and held by at least one execution (for tests and diagnostics).</summary>
    public int Held
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The parsed blob, read synchronously from the store the first time; the caller gives it back with
    /// <see cref="Release"/>. Throws <see cref="BlobMissingException"/>, naming <paramref name="owner"/>, when it is gone.
    /// </summary>
    public JsonElement? Acquire(BlobReference blob, string owner)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(blob.Id, out entry!))
            {
                entry = new Entry(new Lazy<JsonElement?>(() => Load(blob, owner), LazyThreadSafetyMode.ExecutionAndPublication));
                _entries[blob.Id] = entry;
            }

            entry.Users++;
        }

        return entry.Value.Value;
    }

    public void Release(BlobReference blob)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(blob.Id, out var entry) && --entry.Users == 0)
            {
                _entries.Remove(blob.Id);
            }
        }
    }

    private JsonElement? Load(BlobReference blob, string owner)
    {
        var bytes = blobs.Read(blob) ?? throw new BlobMissingException(
            $"The output of node '{owner}' ({blob.Bytes:N0} bytes, blob {blob.Id}) is missing from the blob store; run the flow again to produce it.");

        // The document keeps the array it was read into: no string, no second copy.
        var root = JsonDocument.Parse(bytes.AsMemory(), StoredJson.Options).RootElement;
        return root.ValueKind == JsonValueKind.Null ? null : root;
    }

    private sealed class Entry(Lazy<JsonElement?> value)
    {
        public Lazy<JsonElement?> Value { get; } = value;

        public int Users { get; set; }
    }
}
