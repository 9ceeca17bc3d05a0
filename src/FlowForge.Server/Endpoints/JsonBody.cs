using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Reads a request body as text and JSON by hand, so that flows are stored exactly as sent and every
/// malformed body gets a 400 that says where it broke (not a framework message or a 500).
/// </summary>
internal static class JsonBody
{
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return (text, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                $"Bodies are limited to {request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0} bytes."));
        }
    }

    /// <summary>Parses an optional JSON object body; an empty body is an empty object.</summary>
    public static async Task<(JsonObject? Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (text, problem) = await ReadTextAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return ([], null);
        }

        var (node, parseProblem) = Parse(text);
        if (parseProblem is not null)
        {
            return (null, parseProblem);
        }

        return node is JsonObject obj
            ? (obj, null)
            : (null, ApiProblems.BadRequest("The body must be a JSON object.", "$"));
    }

    public static (JsonNode? Node, ProblemHttpResult? Problem) Parse(string text)
    {
        try
        {
            return (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }), null);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : "";
            return (null, ApiProblems.BadRequest($"The body is not valid JSON{where}.", "$"));
        }
    }

    public static string? GetString(JsonObject body, string name, out ProblemHttpResult? problem)
    {
        problem = null;
        var value = body[name];
        if (value is null)
        {
            problem = ApiProblems.BadRequest($"'{name}' is required.", name);
            return null;
        }

        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>();
        }

        problem = ApiProblems.BadRequest($"'{name}' must be a string.", name);
        return null;
    }
}
