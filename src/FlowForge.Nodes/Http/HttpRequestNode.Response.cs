using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Http;

public sealed partial class HttpRequestNode
{
    /// <summary>How much of a failed response is read to quote it in the error.</summary>
    private const int ErrorBodyBytes = 4 * 1024;

    private static async Task<NodeResult> ReadResponseAsync(
        Settings settings, HttpMethod method, Uri url, HttpResponseMessage response, HttpOptions limits, NodeContext context, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (settings.FailOnStatus && status is < 200 or > 299)
        {
            var (start, _) = await HttpResponseReader.ReadCappedAsync(response.Content, Math.Min(limits.MaxResponseBytes, ErrorBodyBytes), cancellationToken).ConfigureAwait(false);
            return StatusFailure(method, url, response, start, limits, context);
        }

        var (bytes, complete) = await HttpResponseReader.ReadCappedAsync(response.Content, limits.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (!complete)
        {
            return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"The response to {Describe(method, url)} is larger than {HttpOptions.Section}:{nameof(HttpOptions.MaxResponseBytes)} ({limits.MaxResponseBytes:N0} bytes); ask for less data or raise the limit."));
        }

        var contentType = response.Content.Headers.ContentType;
        var (body, problem) = method == HttpMethod.Head ? (null, null) : BodyOf(settings.ResponseType, contentType, bytes);
        if (problem is not null)
        {
            return NodeResult.Fail($"The response to {Describe(method, url)} {problem}");
        }

        if (ReferenceEquals(body, BinaryMarker))
        {
            if (context.Blobs is not { } store)
            {
                return NodeResult.Fail($"The response to {Describe(method, url)} is binary and this host keeps no blobs for nodes; set responseType to text to keep it as text.");
            }

            // The bytes go to the run's blob store; the output holds a reference, and GET /api/runs/{id}/nodes/{node}/body sends them.
            var blob = await store.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            body = new JsonObject
            {
                ["blobId"] = blob.Id.ToString(),
                ["contentType"] = contentType?.MediaType?.ToLowerInvariant() ?? "application/octet-stream",
                ["size"] = bytes.Length,
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            };
        }

        return NodeResult.Success(new JsonObject
        {
            ["status"] = status,
            ["headers"] = HeadersOf(response),
            ["body"] = body,
        });
    }

    private static NodeResult StatusFailure(HttpMethod method, Uri url, HttpResponseMessage response, byte[] start, HttpOptions limits, NodeContext context)
    {
        var status = (int)response.StatusCode;
        var text = Decode(start, response.Content.Headers.ContentType).Trim();
        var quote = text.Length == 0 ? "" : $": {(text.Length > ErrorBodyChars ? text[..ErrorBodyChars] + "…" : text)}";
        var message = string.Create(CultureInfo.InvariantCulture, $"{Describe(method, url)} answered {status} {response.ReasonPhrase}{quote}");
        if (status < 500 && status != 429)
        {
            return NodeResult.Fail(message);
        }

        if (HttpResponseReader.RetryAfter(response, context.Time.GetUtcNow()) is not { } wait)
        {
            return NodeResult.Fail(message, retryable: true);
        }

        if (wait > limits.MaxRetryAfter)
        {
            return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{message} (the server asks to retry after {wait.TotalSeconds:0} s, longer than {HttpOptions.Section}:{nameof(HttpOptions.MaxRetryAfter)}, {limits.MaxRetryAfter.TotalSeconds:0} s, so it is not retried)"));
        }

        return NodeResult.Fail(message, wait);
    }

    private static (JsonNode? Body, string? Problem) BodyOf(string responseType, MediaTypeHeaderValue? contentType, byte[] bytes)
    {
        var media = contentType?.MediaType?.ToLowerInvariant();
        switch (responseType)
        {
            case ResponseTypes.Text:
                return (Decode(bytes, contentType), null);
            case ResponseTypes.Binary:
                return (BinaryMarker, null);
            case ResponseTypes.Json:
                if (bytes.Length == 0)
                {
                    return (null, null);
                }

                return JsonPolicy.TryParse(bytes, out var json, out var rejection)
                    ? (json, null)
                    : (null, $"is not JSON the node can keep ({rejection!.Message.TrimEnd('.')}); set responseType to text to keep it as text.");
            default:
                if (bytes.Length == 0)
                {
                    return (null, null);
                }

                if (IsJson(media) && JsonPolicy.TryParse(bytes, out var parsed, out _))
                {
                    return (parsed, null);
                }

                return IsText(media) || (media is null && Utf8Valid(bytes)) ? (Decode(bytes, contentType), null) : (BinaryMarker, null);
        }
    }

    /// <summary>Stands for "the body is binary": the caller stores it in the blob store. Compared by reference, never output.</summary>
    private static readonly JsonObject BinaryMarker = [];

    private static bool IsJson(string? media) =>
        media is "application/json" or "text/json" || media?.EndsWith("+json", StringComparison.Ordinal) == true;

    private static bool IsText(string? media) =>
        media is not null && (media.StartsWith("text/", StringComparison.Ordinal) || IsJson(media) || media.EndsWith("+xml", StringComparison.Ordinal)
            || media is "application/xml" or "application/javascript" or "application/x-www-form-urlencoded" or "application/graphql");

    private static bool Utf8Valid(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>Text in the charset the response names; UTF-8 when it names none or one this runtime lacks.</summary>
    private static string Decode(byte[] bytes, MediaTypeHeaderValue? contentType)
    {
        var encoding = Encoding.UTF8;
        if (contentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }
        }

        var preamble = encoding.Preamble;
        var span = bytes.AsSpan();
        return encoding.GetString(span.StartsWith(preamble) ? span[preamble.Length..] : span);
    }

    private static JsonObject HeadersOf(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            var key = name.ToLowerInvariant();
            headers[key] = key == "set-cookie"
                ? new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))])
                : string.Join(", ", values);
        }

        return headers;
    }
}
