using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Triggers;

[NodeType("trigger.webhook", "Webhook Trigger", Icon = "webhook", Category = NodeCategory.Trigger, Pure = true, PassesRunInput = true,
    Description = "Starts the flow when its secret URL (/hooks/{key}, shown on the flow once saved) is called while the flow is active. Any method; JSON, form and raw bodies. Passes { method, headers, query, body } on. Answers at once (202 with the run id) or when the run has finished, with a node's output; can check an HMAC signature as GitHub or Stripe send it.")]
public sealed class WebhookTriggerNode : Node<WebhookTriggerNode.Settings>
{
    public const string RespondImmediately = "immediately";
    public const string RespondWhenFinished = "whenFinished";

    public const int DefaultTimeoutMs = 30_000;
    public const int MaxTimeoutMs = 300_000;

    /// <summary>What a saved secret reads as in the API: the value is write-only.</summary>
    public const string MaskedSecret = "********";

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Trailer", "TE", "Proxy-Connection", "Set-Cookie",
    };

    public sealed record Settings(
        string Respond = RespondImmediately,
        string? ResponseNode = null,
        int? TimeoutMs = null,
        int? ResponseStatus = null,
        Dictionary<string, string>? ResponseHeaders = null,
        SignatureSettings? Signature = null);

    /// <summary>
    /// An HMAC of the request body the caller sends in <see cref="Header"/>. Formats: <c>github</c> (<c>sha256=</c>hex),
    /// <c>hex</c> and <c>base64</c> (after an optional <see cref="Prefix"/>), <c>stripe</c> (<c>t=…,v1=…</c> over <c>t.body</c>,
    /// at most <see cref="ToleranceSeconds"/> old).
    /// </summary>
    public sealed record SignatureSettings(string Header, string Secret, string Algorithm = "sha256", string Format = "github", string? Prefix = null, int ToleranceSeconds = 300);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(context.RunInput?.DeepClone() ?? new JsonObject()));

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Respond is not (RespondImmediately or RespondWhenFinished))
        {
            yield return new ConfigProblem("$.respond", $"respond must be \"{RespondImmediately}\" or \"{RespondWhenFinished}\", but it is \"{settings.Respond}\"");
        }

        if (settings.Respond == RespondImmediately && (settings.ResponseNode ?? (object?)settings.TimeoutMs ?? settings.ResponseStatus ?? (object?)settings.ResponseHeaders) is not null)
        {
            yield return new ConfigProblem("$.respond", "responseNode, timeoutMs, responseStatus and responseHeaders apply when respond is \"whenFinished\"; remove them or change respond");
        }

        if (settings.TimeoutMs is < 1 or > MaxTimeoutMs)
        {
            yield return new ConfigProblem("$.timeoutMs", $"timeoutMs must be between 1 and {MaxTimeoutMs} (5 minutes), but it is {settings.TimeoutMs}");
        }

        if (settings.ResponseStatus is < 200 or > 599)
        {
            yield return new ConfigProblem("$.responseStatus", $"responseStatus must be between 200 and 599, but it is {settings.ResponseStatus}");
        }

        foreach (var (name, value) in settings.ResponseHeaders ?? [])
        {
            if (!IsHeaderName(name) || ReservedHeaders.Contains(name))
            {
                yield return new ConfigProblem($"$.responseHeaders.{name}", $"'{name}' cannot be set as a response header; use a plain header name that the server does not manage");
            }
            else if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || value.Length > 8_192)
            {
                yield return new ConfigProblem($"$.responseHeaders.{name}", "a header value must be one line of at most 8192 characters");
            }
        }

        if (settings.Signature is { } signature)
        {
            foreach (var problem in ValidateSignature(signature))
            {
                yield return problem;
            }
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        if (properties["respond"] is JsonObject respond)
        {
            respond["enum"] = new JsonArray(RespondImmediately, RespondWhenFinished);
            respond["description"] = "\"immediately\": 202 with the run id. \"whenFinished\": the response node's output once the run ends (202 after timeoutMs).";
        }

        if (properties["timeoutMs"] is JsonObject timeout)
        {
            timeout["minimum"] = 1;
            timeout["maximum"] = MaxTimeoutMs;
            timeout["description"] = $"How long to wait for the run when respond is \"whenFinished\" (default {DefaultTimeoutMs}).";
        }

        Describe(properties, "responseNode", "With respond \"whenFinished\": the id of the node whose output becomes the response body (default: the last node to finish).");
        Describe(properties, "responseStatus", "With respond \"whenFinished\": the HTTP status to answer with (default 200).");
        Describe(properties, "responseHeaders", "With respond \"whenFinished\": headers to add to the response, name to text.");
        Describe(properties, "signature", "Checks an HMAC of the request body that the caller sends in a header; requests without a valid one are refused with 401.");
        if (properties["signature"]?["properties"] is JsonObject signature)
        {
            Describe(signature, "header", "The request header that carries the signature, such as X-Hub-Signature-256.");
            Describe(signature, "algorithm", "The HMAC hash.");
            Describe(signature, "format", "How the header is written: github (sha256=hex), stripe (t=…,v1=… over t.body), hex or base64.");
            Describe(signature, "prefix", "With format hex or base64: text before the signature to strip, such as \"sha1=\".");
            Describe(signature, "toleranceSeconds", "With format stripe: how old the signed timestamp may be, in seconds (1 to 86400).");
            if (signature["algorithm"] is JsonObject algorithm)
            {
                algorithm["enum"] = new JsonArray("sha256", "sha1", "sha512");
            }

            if (signature["format"] is JsonObject format)
            {
                format["enum"] = new JsonArray("github", "stripe", "hex", "base64");
            }

            if (signature["toleranceSeconds"] is JsonObject tolerance)
            {
                tolerance["minimum"] = 1;
                tolerance["maximum"] = 86_400;
            }
        }

        if (properties["signature"]?["properties"]?["secret"] is JsonObject secret)
        {
            secret["writeOnly"] = true;
            secret["description"] = "The shared secret. Write-only: the API shows it as \"********\"; saving \"********\" keeps the stored one.";
        }
    }

    private static void Describe(JsonObject properties, string name, string description)
    {
        if (properties[name] is JsonObject property)
        {
            property["description"] = description;
        }
    }

    private static IEnumerable<ConfigProblem> ValidateSignature(SignatureSettings signature)
    {
        if (!IsHeaderName(signature.Header))
        {
            yield return new ConfigProblem("$.signature.header", $"'{signature.Header}' is not a header name, such as \"X-Hub-Signature-256\" or \"Stripe-Signature\"");
        }

        if (string.IsNullOrEmpty(signature.Secret) || signature.Secret.Length > 4_096)
        {
            yield return new ConfigProblem("$.signature.secret", "secret must have 1 to 4096 characters");
        }

        if (signature.Algorithm is not ("sha256" or "sha1" or "sha512"))
        {
            yield return new ConfigProblem("$.signature.algorithm", $"algorithm must be \"sha256\", \"sha1\" or \"sha512\", but it is \"{signature.Algorithm}\"");
        }

        if (signature.Format is not ("github" or "stripe" or "hex" or "base64"))
        {
            yield return new ConfigProblem("$.signature.format", $"format must be \"github\", \"stripe\", \"hex\" or \"base64\", but it is \"{signature.Format}\"");
        }

        if (signature.ToleranceSeconds is < 1 or > 86_400)
        {
            yield return new ConfigProblem("$.signature.toleranceSeconds", $"toleranceSeconds must be between 1 and 86400, but it is {signature.ToleranceSeconds}");
        }

        if (signature.Prefix is { Length: > 64 })
        {
            yield return new ConfigProblem("$.signature.prefix", "prefix may have at most 64 characters");
        }
    }

    private static bool IsHeaderName(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
