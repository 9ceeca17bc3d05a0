using System.ComponentModel;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Ai;

[NodeType("ai.chat", "AI Chat", Icon = "sparkles", Category = NodeCategory.Action, Provider = "openai",
    Description = "Asks a chat model through an OpenAI-compatible API (POST /v1/chat/completions) and outputs { content, json, finishReason, usage, model }. With a JSON schema the answer is requested as structured output and parsed into json (an answer that is not JSON fails the node). The base URL is the connection's baseUrl setting, else Integrations:OpenAI:BaseUrl. Tool calls are not supported yet.")]
public sealed partial class AiChatNode(IOptions<IntegrationsOptions> options) : IntegrationNode<AiChatNode.Settings>(options)
{
    public sealed record Settings(
        [property: Description("The OpenAI (or compatible) connection; its baseUrl setting points at another server.")] string ConnectionId,
        [property: Description("The model name, such as gpt-4o-mini.")] string Model,
        [property: Description("The conversation: system, user and assistant messages, in order.")] IReadOnlyList<AiChatMessage> Messages,
        [property: Description("Sampling temperature, 0 to 2; empty uses the model's default.")] double? Temperature = null,
        [property: Description("The most tokens the answer may have.")] int? MaxTokens = null,
        [property: Description("A JSON Schema the answer must follow (structured output); the parsed answer is output as json.")] JsonObject? JsonSchema = null,
        [property: Description("The schema's name as the API sees it (letters, digits, _ and -).")] string SchemaName = "response") : IConnectionSettings;

    public const int MaxMessages = 200;

    public const int MaxTokensCeiling = 1_000_000;

    private static readonly string[] Roles = ["system", "user", "assistant", "developer"];

    protected override string ConnectionHint => "an OpenAI-compatible connection";

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var what = $"AI chat with model '{settings.Model}'";
        return ConnectedAsync(settings, what, context, async connection =>
        {
            var fields = await connection.ReadFieldsAsync(cancellationToken).ConfigureAwait(false);
            var baseUrl = Limits.OpenAI.BaseUrl;
            if (fields.TryGetValue("baseUrl", out var configured) && !string.IsNullOrWhiteSpace(configured))
            {
                if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                {
                    return NodeResult.Fail($"Connection '{connection.Name}' has a baseUrl that is not an http or https URL; fix it on the connection.");
                }

                baseUrl = parsed;
            }

            // A base URL may or may not already end in /v1 (compatible servers document both).
            var path = baseUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? "chat/completions" : "v1/chat/completions";
            var url = IntegrationApi.Combine(baseUrl, path);
            using var request = IntegrationApi.JsonRequest(HttpMethod.Post, url, RequestBody(settings));
            return await SendAsync(connection, request, what, context, json => IntegrationApi.Text(json?["error"], "message"), response => Output(settings, what, response), cancellationToken)
                .ConfigureAwait(false);
        }, cancellationToken);
    }

    protected override IEnumerable<ConfigProblem> ValidateCall(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            yield return new ConfigProblem("$.model", "model is empty; name one, such as gpt-4o-mini");
        }

        if (settings.Messages.Count == 0)
        {
            yield return new ConfigProblem("$.messages", "messages is empty; add at least one user message");
        }
        else if (settings.Messages.Count > MaxMessages)
        {
            yield return new ConfigProblem("$.messages", $"messages has {settings.Messages.Count} entries; at most {MaxMessages}");
        }

        for (var i = 0; i < Math.Min(settings.Messages.Count, MaxMessages); i++)
        {
            if (!Roles.Contains(settings.Messages[i].Role, StringComparer.Ordinal))
            {
                yield return new ConfigProblem($"$.messages[{i}].role", $"role must be system, user, assistant or developer, but it is \"{settings.Messages[i].Role}\"");
            }
        }

        if (settings.Temperature is < 0 or > 2 || settings.Temperature is { } t && double.IsNaN(t))
        {
            yield return new ConfigProblem("$.temperature", "temperature must be between 0 and 2");
        }

        if (settings.MaxTokens is < 1 or > MaxTokensCeiling)
        {
            yield return new ConfigProblem("$.maxTokens", $"maxTokens must be between 1 and {MaxTokensCeiling}");
        }

        if (!SchemaNamePattern().IsMatch(settings.SchemaName))
        {
            yield return new ConfigProblem("$.schemaName", "schemaName may hold only letters, digits, _ and - (at most 64)");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["temperature"] is JsonObject temperature)
        {
            temperature["minimum"] = 0;
            temperature["maximum"] = 2;
        }

        if (schema["properties"]?["maxTokens"] is JsonObject maxTokens)
        {
            maxTokens["minimum"] = 1;
            maxTokens["maximum"] = MaxTokensCeiling;
        }

        if (schema["properties"]?["messages"]?["items"]?["properties"]?["role"] is JsonObject role)
        {
            role["enum"] = new JsonArray([.. Roles.Select(r => JsonValue.Create(r))]);
        }
    }

    private static JsonObject RequestBody(Settings settings)
    {
        var body = new JsonObject
        {
            ["model"] = settings.Model,
            ["messages"] = new JsonArray([.. settings.Messages.Select(m => new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
        };
        if (settings.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }

        if (settings.MaxTokens is { } maxTokens)
        {
            body["max_tokens"] = maxTokens;
        }

        if (settings.JsonSchema is { } schema)
        {
            body["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = settings.SchemaName, ["schema"] = schema.DeepClone(), ["strict"] = true },
            };
        }

        return body;
    }

    private static NodeResult Output(Settings settings, string what, ApiResponse response)
    {
        var choice = (response.Json?["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
        if (choice?["message"] is not JsonObject message)
        {
            return NodeResult.Fail($"{what} answered without choices[0].message: {IntegrationApi.Quote(response.Text)}");
        }

        var content = IntegrationApi.Text(message, "content");
        var finishReason = IntegrationApi.Text(choice, "finish_reason");
        if (content is null && IntegrationApi.Text(message, "refusal") is { } refusal)
        {
            return NodeResult.Fail($"{what}: the model refused: {IntegrationApi.Quote(refusal)}");
        }

        JsonNode? json = null;
        if (settings.JsonSchema is not null)
        {
            if (finishReason == "length")
            {
                return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: the answer was cut off at max_tokens ({settings.MaxTokens}) before its JSON was complete; raise maxTokens."));
            }

            if (content is null)
            {
                return NodeResult.Fail($"{what}: the answer should be JSON following the schema, but it had no content.");
            }

            if (!JsonPolicy.TryParse(System.Text.Encoding.UTF8.GetBytes(content), out json, out var rejection))
            {
                var why = rejection?.Message ?? "it is not JSON";
                return NodeResult.Fail($"{what}: the answer should be JSON following the schema, but {why}: {IntegrationApi.Quote(content)}");
            }
        }

        return NodeResult.Success(new JsonObject
        {
            ["content"] = content,
            ["json"] = json,
            ["finishReason"] = finishReason,
            ["usage"] = response.Json!["usage"]?.DeepClone(),
            ["model"] = response.Json["model"]?.DeepClone() ?? settings.Model,
        });
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemaNamePattern();
}
