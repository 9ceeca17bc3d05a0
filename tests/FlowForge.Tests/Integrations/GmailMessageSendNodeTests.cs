using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Google;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;
using MimeKit;

namespace FlowForge.Tests.Integrations;

public sealed class GmailMessageSendNodeTests
{
    private static JsonObject Config(Action<JsonObject>? more = null)
    {
        var config = new JsonObject
        {
            ["connectionId"] = "google-1",
            ["to"] = new JsonArray("Ada Lovelace <ada@example.com>, bob@example.com"),
            ["cc"] = new JsonArray("carol@example.com"),
            ["bcc"] = new JsonArray("audit@example.com"),
            ["subject"] = "Order {{ input.id }} — shipped",
            ["text"] = "Your order {{ input.id }} is on its way.",
            ["html"] = "<p>Your order <b>{{ input.id }}</b> is on its way.</p>",
        };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(LocalAppsServer server, JsonObject config, Action<FlowForge.Nodes.Integrations.IntegrationsOptions>? configure = null)
    {
        using var connections = new TestNodeConnections().Add("google-1", "google", token: "ya29.test");
        var node = new GmailMessageSendNode(IntegrationsTestOptions.For(server.Address, configure));
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["id"] = 42 }, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_TextAndHtml_SendsBase64UrlMimeMessageAndOutputsIds()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config());

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":"18c2a7f3e4b5d6a1","threadId":"18c2a7f3e4b5d6a1","labelIds":["SENT"]}"""), result.Output));
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(LocalAppsServer.GmailSendPath, request.PathAndQuery);
        Assert.Equal("Bearer ya29.test", request.Headers["authorization"]);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["raw"], body.Select(p => p.Key));
        var raw = (string)body["raw"]!;
        Assert.DoesNotContain('+', raw);
        Assert.DoesNotContain('/', raw);
        Assert.DoesNotContain('=', raw);
        var message = await MimeMessage.LoadAsync(new MemoryStream(FromBase64Url(raw)));
        Assert.Equal(["ada@example.com", "bob@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Ada Lovelace", message.To.Mailboxes.First().Name);
        Assert.Equal(["carol@example.com"], message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Equal(["audit@example.com"], message.Bcc.Mailboxes.Select(m => m.Address));
        Assert.Equal("Order 42 — shipped", message.Subject);
        Assert.Equal("Your order 42 is on its way.", message.TextBody!.TrimEnd());
        Assert.Equal("<p>Your order <b>42</b> is on its way.</p>", message.HtmlBody!.TrimEnd());
        Assert.Empty(message.From);
    }

    [Fact]
    public async Task ExecuteAsync_GoogleBadRequest_FailsWithoutRetryQuotingGoogle()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(LocalAppsServer.GmailSendPath, 400, """{"error":{"code":400,"message":"Invalid To header","status":"INVALID_ARGUMENT"}}""");

        var result = await RunAsync(server, Config());

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("Invalid To header (INVALID_ARGUMENT)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_MessageOverMaxMessageBytes_FailsBeforeSending()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config(c => c["text"] = new string('x', 4096)), o => o.MaxMessageBytes = 2048);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("Integrations:MaxMessageBytes", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void ValidateConfig_BadRecipient_NamesTheEntry()
    {
        var node = new GmailMessageSendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(Config(c => c["cc"] = new JsonArray("carol@example.com", "not an address")));

        Assert.Contains(problems, p => p.Path == "$.cc[1]");
    }

    [Fact]
    public void ValidateConfig_MoreRecipientsThanMaxRecipients_NamesTo()
    {
        var node = new GmailMessageSendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/"), o => o.MaxRecipients = 3));

        var problems = node.ValidateConfig(Config());

        Assert.Contains(problems, p => p.Path == "$.to" && p.Message.Contains("Integrations:MaxRecipients", StringComparison.Ordinal));
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
