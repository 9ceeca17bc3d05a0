using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Slack;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Integrations;

public sealed class SlackMessagePostNodeTests
{
    private static JsonObject Config(Action<JsonObject>? more = null)
    {
        var config = new JsonObject { ["connectionId"] = "slack-1", ["channel"] = "#alerts", ["text"] = "Order {{ input.id }} shipped" };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(LocalAppsServer server, JsonObject config, JsonNode? input = null)
    {
        using var connections = new TestNodeConnections().Add("slack-1", "slack", token: "xoxb-test");
        var node = new SlackMessagePostNode(IntegrationsTestOptions.For(server.Address));
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: input, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_TextWithExpression_PostsChatPostMessageAndOutputsTs()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config(c => c["threadTs"] = "1503435956.000100"), new JsonObject { ["id"] = 42 });

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(LocalAppsServer.SlackPostMessagePath, request.PathAndQuery);
        Assert.Equal("Bearer xoxb-test", request.Headers["authorization"]);
        Assert.Equal("application/json; charset=utf-8", request.Headers["content-type"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"channel":"#alerts","text":"Order 42 shipped","thread_ts":"1503435956.000100"}"""), JsonNode.Parse(request.Body)), request.Body);
        Assert.Equal(true, (bool?)result.Output!["ok"]);
        Assert.Equal("C123ABC456", (string?)result.Output["channel"]);
        Assert.Equal("1503435956.000247", (string?)result.Output["ts"]);
        Assert.Equal("Order 42 shipped", (string?)result.Output["message"]!["text"]);
    }

    [Fact]
    public async Task ExecuteAsync_Blocks_SentAsGiven()
    {
        await using var server = await LocalAppsServer.StartAsync();
        var blocks = JsonNode.Parse("""[{"type":"section","text":{"type":"mrkdwn","text":"*Deploy* done"}}]""")!.AsArray();

        var result = await RunAsync(server, Config(c => c["blocks"] = blocks.DeepClone()));

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.True(JsonNode.DeepEquals(blocks, JsonNode.Parse(Assert.Single(server.Requests).Body)!["blocks"]));
    }

    [Fact]
    public async Task ExecuteAsync_SlackSaysChannelNotFound_FailsWithoutRetryNamingTheError()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.SlackPostMessagePath, 200, """{"ok":false,"error":"channel_not_found"}""");

        var result = await RunAsync(server, Config());

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("channel_not_found", result.Error, StringComparison.Ordinal);
        Assert.Contains("#alerts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_SlackSaysInternalError_FailsRetryable()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.SlackPostMessagePath, 200, """{"ok":false,"error":"internal_error"}""");

        var result = await RunAsync(server, Config());

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.True(result.Retryable);
        Assert.Contains("internal_error", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Http429WithRetryAfter_ThrowsProviderRateLimited()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.SlackPostMessagePath, 429, """{"ok":false,"error":"ratelimited"}""", new Dictionary<string, string> { ["Retry-After"] = "30" });

        var limited = await Assert.ThrowsAsync<ProviderRateLimitedException>(() => RunAsync(server, Config()));

        Assert.Equal(TimeSpan.FromSeconds(30), limited.RetryAfter);
        Assert.Contains("ratelimited", limited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Http503_FailsRetryable()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.SlackPostMessagePath, 503, """{"ok":false,"error":"service_unavailable"}""");

        var result = await RunAsync(server, Config());

        Assert.True(result.Retryable);
        Assert.Contains("503", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionOfAnotherProvider_FailsNamingIt()
    {
        await using var server = await LocalAppsServer.StartAsync();
        using var connections = new TestNodeConnections().Add("slack-1", "github");
        var node = new SlackMessagePostNode(IntegrationsTestOptions.For(server.Address));

        var result = await node.ExecuteAsync(NodeContexts.For(Config(), connections: connections), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("not slack", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void ValidateConfig_NoTextNorBlocks_NamesText()
    {
        var node = new SlackMessagePostNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(new JsonObject { ["connectionId"] = "slack-1", ["channel"] = "#alerts" });

        Assert.Contains(problems, p => p.Path == "$.text");
    }

    [Fact]
    public void ValidateConfig_TooManyBlocks_NamesBlocks()
    {
        var node = new SlackMessagePostNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));
        var blocks = new JsonArray([.. Enumerable.Range(0, SlackMessagePostNode.MaxBlocks + 1).Select(_ => new JsonObject { ["type"] = "divider" })]);

        var problems = node.ValidateConfig(Config(c => c["blocks"] = blocks));

        Assert.Contains(problems, p => p.Path == "$.blocks");
    }
}
