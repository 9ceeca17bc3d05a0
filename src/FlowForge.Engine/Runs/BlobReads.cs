using System.Text.Json;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Blob-stored outputs read by node executions, parsed once and shared while any execution holds them: the
/// hundreds of children of one large output read it once, not once each. A blob never changes, so sharing is safe.
/// A blob this process has just written is handed over (<see cref="HandOver"/>): the child that runs next here parses
/// the bytes that were written instead of reading them back.
/// </summary>
public sealed class BlobReads(IBlobStore blobs)
{
    private readonly Dictionary<Guid, Entry> _entries = [];
    private long _handedOver;

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

    /// <summary>
    /// Holds <paramref name="content"/>, the bytes just written as <paramref name="blob"/>, until the returned handle is
    /// disposed: an execution that acquires the blob meanwhile parses these bytes (once, on first use) and does not read
    /// the store. The caller keeps <paramref name="content"/> unchanged while the handle lives.
    /// </summary>
    public IDisposable HandOver(BlobReference blob, ReadOnlyMemory<byte> content)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(blob.Id, out var entry))
            {
                entry.Users++;
            }
            else
            {
                _entries[blob.Id] = new Entry(new Lazy<JsonElement?>(() => ParseHandedOver(content), LazyThreadSafetyMode.ExecutionAndPublication)) { Users = 1 };
            }
        }

        return new Handle(this, blob);
    }

    /// <summary>Blobs handed over and parsed from the bytes written, not read from the store (for tests and diagnostics).</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

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

        return Parse(bytes);
    }

    private JsonElement? ParseHandedOver(ReadOnlyMemory<byte> content)
    {
        Interlocked.Increment(ref _handedOver);
        return Parse(content);
    }

    /// <summary>The document keeps the array it was read or written into: no string, no second copy.</summary>
    private static JsonElement? Parse(ReadOnlyMemory<byte> content)
    {
        var root = JsonDocument.Parse(content, StoredJson.Options).RootElement;
        return root.ValueKind == JsonValueKind.Null ? null : root;
    }

    /// <summary>Gives back a handed-over blob once, however often it is disposed.</summary>
    private sealed class Handle(BlobReads reads, BlobReference blob) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                reads.Release(blob);
            }
        }
    }

    private sealed class Entry(Lazy<JsonElement?> value)
    {
        public Lazy<JsonElement?> Value { get; } = value;

        public int Users { get; set; }
    }
}
