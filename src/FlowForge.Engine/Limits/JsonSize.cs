using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Limits;

/// <summary>Serialises JSON to UTF-8 under a byte limit, without holding more than the limit.</summary>
public static class JsonSize
{
    // The depth JsonNode.ToJsonString allows; stored outputs are read back with more room than this.
    private static readonly JsonWriterOptions WriterOptions = new() { MaxDepth = 64 };

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>
    /// Writes <paramref name="value"/> as JSON text. Returns false, with the full size in <paramref name="bytes"/>,
    /// when it is larger than <paramref name="limit"/> bytes.
    /// </summary>
    public static bool TryWrite(JsonNode? value, long limit, out string? json, out long bytes)
    {
        json = null;
        var written = TryWriteCapped(value, limit, out var buffer, out bytes);
        using (buffer)
        {
            if (written && buffer is not null)
            {
                json = Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }

        return written;
    }

    /// <summary>
    /// Like <see cref="TryWrite"/>, and checks what was written against <see cref="Json.JsonPolicy"/> on the same bytes,
    /// so a stored document is written once and reads back: <paramref name="rejection"/> says why when it would not.
    /// </summary>
    public static bool TryWriteStored(JsonNode? value, long limit, out string? json, out long bytes, out Json.JsonRejection? rejection) =>
        TryWriteStored(value, limit, limit, out json, out _, out bytes, out rejection);

    /// <summary>
    /// Like <see cref="TryWriteStored(JsonNode?, long, out string?, out long, out Json.JsonRejection?)"/>; a document larger
    /// than <paramref name="inlineLimit"/> is handed back as its UTF-8 bytes in <paramref name="utf8"/> (and
    /// <paramref name="json"/> stays null), so it is never turned into a string.
    /// </summary>
    public static bool TryWriteStored(
        JsonNode? value, long limit, long inlineLimit, out string? json, out ReadOnlyMemory<byte> utf8, out long bytes, out Json.JsonRejection? rejection)
    {
        json = null;
        utf8 = default;
        rejection = null;
        var written = TryWriteCapped(value, limit, out var buffer, out bytes);
        using (buffer)
        {
            if (!written || buffer is null)
            {
                return written;
            }

            rejection = Json.JsonPolicy.Check(buffer.WrittenSpan);
            if (rejection is null && bytes > inlineLimit)
            {
                // The one copy that outlives the writer's pooled buffer, of exactly the document's size.
                utf8 = buffer.WrittenSpan.ToArray();
            }
            else if (rejection is null)
            {
                json = Encoding.UTF8.GetString(buffer.WrittenSpan);
            }

            return true;
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as JSON text, as the stored writes above do, and checks it against <see cref="Json.JsonPolicy"/> only when it takes at most <paramref name="checkedUpTo"/>
    /// bytes: <paramref name="passes"/> is false for a larger document, unchecked.
    /// </summary>
    public static string WriteChecking(JsonNode value, long checkedUpTo, out long bytes, out bool passes)
    {
        using var buffer = new CappedBufferWriter(long.MaxValue);
        WriteTo(value, buffer);
        bytes = buffer.Written;
        passes = bytes <= checkedUpTo && Json.JsonPolicy.Check(buffer.WrittenSpan) is null;
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The UTF-8 JSON size of <paramref name="value"/>; holds no more than <paramref name="limit"/> bytes while counting.</summary>
    public static long Measure(JsonNode? value, long limit)
    {
        if (value is null)
        {
            return 4;
        }

        using var buffer = new CappedBufferWriter(limit);
        WriteTo(value, buffer);
        return buffer.Written;
    }

    /// <summary>
    /// Writes <paramref name="value"/> into a buffer that keeps at most <paramref name="limit"/> bytes; the buffer is null
    /// for a null value, and the caller disposes it.
    /// </summary>
    private static bool TryWriteCapped(JsonNode? value, long limit, out CappedBufferWriter? buffer, out long bytes)
    {
        buffer = null;
        bytes = 0;
        if (value is null)
        {
            return true;
        }

        buffer = new CappedBufferWriter(limit);
        WriteTo(value, buffer);
        bytes = buffer.Written;
        return !buffer.Exceeded;
    }

    /// <summary>
    /// Writes through one writer per thread, reset for each document: every node output and run input is written here,
    /// and a new writer each time was most of what writing a small document allocated.
    /// </summary>
    private static void WriteTo(JsonNode value, CappedBufferWriter buffer)
    {
        var writer = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        value.WriteTo(writer);
        writer.Flush();
    }
}
