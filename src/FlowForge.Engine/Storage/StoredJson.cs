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

    public static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        // Transcoded once into an array the document keeps: no pooled buffer, no second copy.
        var utf8 = Encoding.UTF8.GetBytes(json);
        return JsonDocument.Parse(utf8.AsMemory(), Options).RootElement;
    }
}
