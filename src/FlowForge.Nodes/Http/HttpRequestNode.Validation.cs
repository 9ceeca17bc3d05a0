using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Http;

public sealed partial class HttpRequestNode
{
    // Values holding {{ }} are checked once they are resolved, when the node runs.
    private static bool IsTemplate(string text) => text.Contains("{{", StringComparison.Ordinal);

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (!IsTemplate(settings.Method) && !Methods.Contains(settings.Method.ToUpperInvariant(), StringComparer.Ordinal))
        {
            yield return new ConfigProblem("$.method", $"method must be one of {string.Join(", ", Methods)}, but it is \"{settings.Method}\"");
        }

        if (!IsTemplate(settings.Url))
        {
            if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url))
            {
                yield return new ConfigProblem("$.url", "url must be an absolute URL such as https://api.example.com/items");
            }
            else if (SsrfGuard.CheckUrl(url) is { } problem)
            {
                yield return new ConfigProblem("$.url", problem);
            }
        }

        if (!BodyTypes.All.Contains(settings.BodyType, StringComparer.Ordinal))
        {
            yield return new ConfigProblem("$.bodyType", $"bodyType must be one of {string.Join(", ", BodyTypes.All)}, but it is \"{settings.BodyType}\"");
        }
        else if (settings.BodyType == BodyTypes.Form && settings.Body is not null && (settings.Body is not JsonObject fields || fields.Any(f => !IsScalar(f.Value))))
        {
            yield return new ConfigProblem("$.body", "with bodyType \"form\", body must be an object of text, number or true/false fields");
        }
        else if (settings.BodyType == BodyTypes.Raw && settings.Body is not null && !IsScalar(settings.Body))
        {
            yield return new ConfigProblem("$.body", "with bodyType \"raw\", body must be text; use bodyType \"json\" to send an object");
        }

        if (!ResponseTypes.All.Contains(settings.ResponseType, StringComparer.Ordinal))
        {
            yield return new ConfigProblem("$.responseType", $"responseType must be one of {string.Join(", ", ResponseTypes.All)}, but it is \"{settings.ResponseType}\"");
        }

        foreach (var (name, value) in settings.Query ?? [])
        {
            if (!IsScalarOrList(value))
            {
                yield return new ConfigProblem($"$.query.{name}", $"query parameter '{name}' must be text, a number, true/false or a list of them");
            }
        }

        foreach (var problem in HeaderProblems(settings.Headers))
        {
            yield return problem;
        }

        var maxRedirects = options.Value.MaxRedirects;
        if (settings.MaxRedirects is < 0 || settings.MaxRedirects > maxRedirects)
        {
            yield return new ConfigProblem("$.maxRedirects", string.Create(CultureInfo.InvariantCulture,
                $"maxRedirects must be between 0 and {maxRedirects} ({HttpOptions.Section}:{nameof(HttpOptions.MaxRedirects)}), but it is {settings.MaxRedirects}"));
        }

        if (settings.TimeoutMs is < 1 or > MaxTimeoutMs)
        {
            yield return new ConfigProblem("$.timeoutMs", string.Create(CultureInfo.InvariantCulture,
                $"timeoutMs must be between 1 and {MaxTimeoutMs} (one day), but it is {settings.TimeoutMs}"));
        }
    }

    private static IEnumerable<ConfigProblem> HeaderProblems(JsonObject? headers)
    {
        foreach (var (name, value) in headers ?? [])
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                yield return new ConfigProblem("$.headers", $"'{name}' is not a valid header name: use letters, digits and - only");
            }
            else if (ReservedHeaders.Contains(name.ToLowerInvariant(), StringComparer.Ordinal))
            {
                yield return new ConfigProblem($"$.headers.{name}", $"the {name} header is set from the URL and body; remove it");
            }
            else if (!IsScalarOrList(value))
            {
                yield return new ConfigProblem($"$.headers.{name}", $"header '{name}' must be text, a number or a list of them");
            }
            else if ((value is JsonArray many ? many.Select(ScalarText) : [ScalarText(value)]).Any(v => v.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0))
            {
                yield return new ConfigProblem($"$.headers.{name}", $"header '{name}' must not hold line breaks");
            }
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static bool IsScalar(JsonNode? value) =>
        value is null || (value is JsonValue scalar && scalar.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False);

    private static bool IsScalarOrList(JsonNode? value) => IsScalar(value) || (value is JsonArray list && list.All(IsScalar));

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        Describe(properties, "method", "The HTTP method.", s => s["enum"] = new JsonArray([.. Methods.Select(m => (JsonNode?)m)]));
        Describe(properties, "url", "The URL to call (http or https); may use {{ }} expressions. Internal addresses are refused unless the server allows them.");
        Describe(properties, "query", "Query parameters added to the URL, escaped: name to text, number or list.");
        Describe(properties, "headers", "Request headers: name to text. Authorization and Cookie are not sent on to another host after a redirect.");
        Describe(properties, "body", "What to send: any JSON (bodyType json), an object of fields (form) or text (raw).");
        Describe(properties, "bodyType", "How the body is sent.", s => s["enum"] = new JsonArray([.. BodyTypes.All.Select(t => (JsonNode?)t)]));
        Describe(properties, "responseType", "How the response body is output: auto picks JSON, text or binary from its Content-Type. A binary body is kept in the run's blob store and the output references it: { blobId, contentType, size, sha256 }.",
            s => s["enum"] = new JsonArray([.. ResponseTypes.All.Select(t => (JsonNode?)t)]));
        Describe(properties, "failOnStatus", "Fail the node when the status is not 2xx (5xx and 429 may be retried); false outputs any status.");
        Describe(properties, "followRedirects", "Follow 3xx redirects, checking each new address.");
        Describe(properties, "maxRedirects", "The most redirects followed; defaults to the server's Http:MaxRedirects, which it may not exceed.", s =>
        {
            s["minimum"] = 0;
            s["maximum"] = options.Value.MaxRedirects;
        });
        Describe(properties, "timeoutMs", "How long the request may take, in milliseconds; defaults to the server's Http:DefaultTimeout.", s =>
        {
            s["minimum"] = 1;
            s["maximum"] = MaxTimeoutMs;
        });
        Describe(properties, "connectionId", "A stored connection of any provider whose credentials are added to requests to the URL's origin (never to another host after a redirect).");
    }

    private static void Describe(JsonObject properties, string name, string description, Action<JsonObject>? refine = null)
    {
        if (properties[name] is JsonObject property)
        {
            property["description"] = description;
            refine?.Invoke(property);
        }
    }
}
