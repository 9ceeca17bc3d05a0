using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Ai;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Integrations;

public sealed class AiChatNodeTests
{
    private static JsonObject Config(Action<JsonObject>? more = null)
    {
        var config = new JsonObject
        {
            ["connectionId"] = "ai-1",
            ["model"] = "gpt-4o-mini",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "You classify tickets." },
                new JsonObject { ["role"] = "user", ["content"] = "Ticket: {{ input.subject }}" }),
        };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(
        LocalAppsServer server, JsonObject config, IReadOnlyDictionary<string, string>? secret = null, Uri? defaultBase = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        using var connections = new TestNodeConnections().Add("ai-1", "openai", token: "sk-test", secret: secret, settings: settings);
        var node = new AiChatNode(IntegrationsTestOptions.For(defaultBase ?? server.Address));
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["subject"] = "Refund please" }, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_Messages_PostsChatCompletionsAndOutputsContentAndUsage()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config(c =>
        {
            c["temperature"] = 0.2;
            c["maxTokens"] = 100;
        }));

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(LocalAppsServer.ChatCompletionsPath, request.PathAndQuery);
        Assert.Equal("Bearer sk-test", request.Headers["authorization"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You classify tickets."},{"role":"user","content":"Ticket: Refund please"}],"temperature":0.2,"max_tokens":100}
            """), JsonNode.Parse(request.Body)), request.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"content":"Hello from the model.","json":null,"finishReason":"stop","usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21},"model":"gpt-4o-mini-2024-07-18"}
            """), result.Output), result.Output?.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_JsonSchema_RequestsStructuredOutputAndParsesIt()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.ChatContent = """{"category":"billing","urgent":true}""";
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"category":{"type":"string"},"urgent":{"type":"boolean"}},"required":["category","urgent"],"additionalProperties":false}
            """)!;

        var result = await RunAsync(server, Config(c =>
        {
            c["jsonSchema"] = schema.DeepClone();
            c["schemaName"] = "ticket";
        }));

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var format = JsonNode.Parse(Assert.Single(server.Requests).Body)!["response_format"];
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject { ["name"] = "ticket", ["schema"] = schema.DeepClone(), ["strict"] = true },
        }, format), format?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"category":"billing","urgent":true}"""), result.Output!["json"]));
    }

    [Fact]
    public async Task ExecuteAsync_JsonSchemaButAnswerIsNotJson_FailsSayingSo()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.ChatContent = "Sure! The category is billing.";

        var result = await RunAsync(server, Config(c => c["jsonSchema"] = new JsonObject { ["type"] = "object" }));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("should be JSON", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sure! The category", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_InvalidApiKey_FailsWithoutRetryQuotingOpenAi()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.ChatCompletionsPath, 401, """{"error":{"message":"Incorrect API key provided: sk-test.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");

        var result = await RunAsync(server, Config());

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("Incorrect API key provided", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionBaseUrl_OverridesTheConfiguredDefault()
    {
        await using var server = await LocalAppsServer.StartAsync();

        // The default points nowhere useful; the connection's baseUrl (ending in /v1, as many compatible servers document it) wins.
        var result = await RunAsync(server, Config(), new Dictionary<string, string> { ["baseUrl"] = new Uri(server.Address, "v1").ToString() }, new Uri("http://127.0.0.1:9/"));

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal(LocalAppsServer.ChatCompletionsPath, Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task ExecuteAsync_BaseUrlInTheConnectionsSettings_OverridesTheConfiguredDefault()
    {
        await using var server = await LocalAppsServer.StartAsync();

        // The openai provider's form keeps baseUrl in the connection's settings, beside the sealed key.
        var result = await RunAsync(server, Config(), defaultBase: new Uri("http://127.0.0.1:9/"),
            settings: new Dictionary<string, string> { ["baseUrl"] = server.Address.ToString() });

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal(LocalAppsServer.ChatCompletionsPath, Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public void ValidateConfig_UnknownRoleAndTemperature_NamesBoth()
    {
        var node = new AiChatNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(Config(c =>
        {
            c["messages"]![0]!["role"] = "robot";
            c["temperature"] = 3;
        }));

        Assert.Contains(problems, p => p.Path == "$.messages[0].role");
        Assert.Contains(problems, p => p.Path == "$.temperature");
    }
}
