using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using FlowForge.Server.Endpoints;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FlowForge.Server.Triggers;

/// <summary>
/// A webhook call read into a run input <c>{ method, headers, query, body, contentType }</c>: JSON bodies as JSON, form
/// bodies as an object, text as a string, anything else as base64 (then <c>bodyEncoding</c> is <c>"base64"</c>).
/// Header names are lower-cased; credentials the caller sent (Authorization, Cookie) are replaced by <c>"********"</c>.
/// </summary>
internal static class WebhookRequest
{
    private static readonly HashSet<string> RedactedHeaders = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "Proxy-Authorization", "Cookie" };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The raw body, at most <paramref name="maxBytes"/>; a 413 problem past that.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var tooLarge = ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "The webhook body is too large.",
            $"A webhook body may have at most {maxBytes} bytes ({WebhookOptions.Section}:{nameof(WebhookOptions.MaxBodyBytes)}).", "body");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && (limit.MaxRequestBodySize ?? long.MaxValue) > maxBytes)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, tooLarge);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>The run input for a call whose body was read; a 400 problem when a body declared as JSON is not.</summary>
    public static (JsonObject? Input, ProblemHttpResult? Problem) ToInput(HttpRequest request, byte[] body)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = RedactedHeaders.Contains(name) ? "********" : values.ToString();
        }

        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            query[name] = Values(values);
        }

        var input = new JsonObject
        {
            ["method"] = request.Method,
            ["headers"] = headers,
            ["query"] = query,
            ["body"] = null,
            ["contentType"] = request.ContentType,
        };
        if (body.Length == 0)
        {
            return (input, null);
        }

        var type = MediaTypeHeaderValue.TryParse(request.ContentType, out var media) ? media.MediaType.Value ?? "" : "";
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            if (!JsonPolicy.TryParse(body, out var json, out var rejection))
            {
                return (null, ApiProblems.BadRequest($"The body is declared as JSON but is not: {rejection!.Message}", "body" + rejection.Path.TrimStart('$')));
            }

            input["body"] = json;
        }
        else if (TryText(body, out var text) && type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var form = new JsonObject();
            foreach (var (name, values) in QueryHelpers.ParseQuery(text))
            {
                form[name] = Values(values);
            }

            input["body"] = form;
        }
        else if (text is not null && (type.Length == 0 || type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.EndsWith("xml", StringComparison.OrdinalIgnoreCase)))
        {
            input["body"] = text;
        }
        else
        {
            input["body"] = Convert.ToBase64String(body);
            input["bodyEncoding"] = "base64";
        }

        return (input, null);
    }

    private static JsonNode? Values(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static bool TryText(byte[] body, out string? text)
    {
        try
        {
            text = StrictUtf8.GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }
}
