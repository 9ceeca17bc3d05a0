using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Reads request bodies under <see cref="JsonPolicy"/>, by hand, so that flows are stored exactly as sent and
/// every refused body gets a problem+json answer naming the field (not a framework message or a 500):
/// 415 for a body that is not declared as JSON, 413 past the body limit, 400 for anything the policy refuses.
/// </summary>
internal static class JsonBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as text, checked to be UTF-8 and declared as JSON; an empty body is an empty string.</summary>
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await ReadBytesAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            var body = bytes.AsSpan();
            if (body.StartsWith("\uFEFF"u8))
            {
                body = body[3..];
            }

            return (StrictUtf8.GetString(body), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiProblems.BadRequest("The body is not valid UTF-8; send JSON encoded as UTF-8.", "$"));
        }
    }

    /// <summary>Parses an optional JSON object body; an empty body is an empty object.</summary>
    public static async Task<(JsonObject? Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await ReadBytesAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (bytes!.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return ([], null);
        }

        // The array is this request's own: the parsed body keeps it instead of a copy.
        if (!JsonPolicy.TryParseKeeping(bytes, out var node, out var rejection))
        {
            return (null, ApiProblems.BadRequest(rejection!.Message, rejection.Path));
        }

        return node is JsonObject obj
            ? (obj, null)
            : (null, ApiProblems.BadRequest("The body must be a JSON object.", "$"));
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

    private static async Task<(byte[]? Bytes, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            // Sized from Content-Length (never past the body limit, which the read enforces): a large body is read into
            // one array of its size, not grown by doubling and copied out again.
            var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
            var expected = (int)Math.Clamp(request.ContentLength ?? 0, 0, Math.Min(limit, Array.MaxLength));
            using var buffer = new MemoryStream(expected);
            await request.Body.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.Length == buffer.Capacity && buffer.TryGetBuffer(out var whole) && whole.Offset == 0 && whole.Array!.Length == buffer.Length
                ? whole.Array
                : buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                $"Bodies are limited to {request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0} bytes.", "$"));
        }

        if (bytes.Length > 0 && !IsJson(request.ContentType))
        {
            return (null, ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "The body is not JSON.",
                $"Send the body as application/json, not {(string.IsNullOrEmpty(request.ContentType) ? "without a Content-Type" : $"'{Shorten(request.ContentType)}'")}.", "Content-Type"));
        }

        return (bytes, null);
    }

    private static bool IsJson(string? contentType) =>
        // What clients send nearly always, told without parsing the header into objects.
        contentType is not null && (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase))
        || MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
