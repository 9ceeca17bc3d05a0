namespace FlowForge.Nodes.Http;

/// <summary>How <c>http.request</c> sends its <c>body</c>.</summary>
public static class BodyTypes
{
    /// <summary>The body as JSON, <c>Content-Type: application/json</c>.</summary>
    public const string Json = "json";

    /// <summary>An object of fields, <c>application/x-www-form-urlencoded</c>.</summary>
    public const string Form = "form";

    /// <summary>Text sent as it is, <c>text/plain</c> unless a Content-Type header says otherwise.</summary>
    public const string Raw = "raw";

    public static readonly string[] All = [Json, Form, Raw];
}
