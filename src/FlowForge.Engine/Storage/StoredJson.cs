using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FlowForge.Engine.Storage;

/// <summary>
/// Reads JSON text kept by a store into one read-only document. Nodes share it through
/// the engine's node inputs instead of each parsing or copying it again.
/// </summary>
public static class StoredJson
{
    /// <summary>Deep enough for anything the engine wrote (outputs are written at most 64 deep).</summary>
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = Options.MaxDepth };

    // Text up to this many characters is transcoded on the stack; longer text in a pooled buffer.
    private const int StackChars = 256;

    public static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        // The element owns exact copies of the bytes and of its index, and needs no disposing: a copy of any part of it
        // (JsonElement.Clone, JsonNode.DeepClone of a view over it) is then the same element, not another copy of its bytes.
        byte[]? rented = null;
        var utf8 = json.Length <= StackChars
            ? stackalloc byte[StackChars * 3]
            : (rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length)));
        try
        {
            var reader = new Utf8JsonReader(utf8[..Encoding.UTF8.GetBytes(json, utf8)], ReaderOptions);
            var element = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonException("The stored text holds more than one JSON value.");
            }

            return element;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
