namespace FlowForge.Nodes.Http;

/// <summary>How <c>http.request</c> puts the response body in its output.</summary>
public static class ResponseTypes
{
    /// <summary>JSON for JSON content types, text for text ones, binary otherwise.</summary>
    public const string Auto = "auto";

    /// <summary>Parsed JSON; a body that is not JSON fails the node.</summary>
    public const string Json = "json";

    /// <summary>Text, decoded with the response's charset (UTF-8 when it names none).</summary>
    public const string Text = "text";

    /// <summary>The bytes kept in the run's blob store; the body is <c>{ "blobId", "contentType", "size", "sha256" }</c>.</summary>
    public const string Binary = "binary";

    public static readonly string[] All = [Auto, Json, Text, Binary];
}
