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

        // One pass into exact copies of the bytes and of their index that need no disposing: a copy of any part of the
        // element (JsonElement.Clone, JsonNode.DeepClone of a view over it) is then the same element, not a copy of its bytes.
        return JsonElement.Parse(json, Options);
    }
}
