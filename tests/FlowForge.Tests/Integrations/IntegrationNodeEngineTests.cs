using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Http;
using FlowForge.Nodes.Integrations;
using FlowForge.Testing;
using FlowForge.Tests.Credentials;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Integrations;

/// <summary>Integration nodes run by the real engine through a stored connection and the guarded outbound client.</summary>
public sealed class IntegrationNodeEngineTests
{
    private static readonly DateTimeOffset Created = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static Task<EngineHarness> StartAsync(LocalAppsServer apps) => EngineHarness.StartAsync(services: s =>
    {
        s.AddSingleton<ISecretProtector, JsonSecretProtector>();
        s.Configure<HttpOptions>(o => o.AllowedHosts = ["127.0.0.1"]);
        s.Configure<IntegrationsOptions>(o =>
        {
            o.Slack.BaseUrl = apps.Address;
            o.GitHub.BaseUrl = apps.Address;
        });
    });

    private static async Task<Guid> AddConnectionAsync(EngineHarness harness, string provider, string token)
    {
        var record = new ConnectionRecord(Guid.NewGuid(), EngineHarness.Owner, $"{provider} bot", ConnectionKind.Bearer, provider,
            new JsonSecretProtector().Protect(new Dictionary<string, string> { ["token"] = token }), ConnectionStatus.Connected, null, [], null, Created, Created, 1);
        await harness.Services.GetRequiredService<IConnectionStore>().AddConnectionAsync(record, CancellationToken.None);
        return record.Id;
    }

    private static async Task<Engine.Storage.NodeInstanceView> RunAsync(EngineHarness harness, string type, JsonObject config)
    {
        var flow = new FlowBuilder("integration").Node("trigger", "trigger.manual").Node("call", type, config).Edge("trigger", "call");
        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(await harness.CreateFlowAsync(flow.ToJson())));
        return run.Nodes.Single(n => n.NodeId == "call");
    }

    [Fact]
    public async Task SlackPostMessage_ThroughStoredConnection_SendsItsTokenAndSucceeds()
    {
        await using var apps = await LocalAppsServer.StartAsync();
        await using var harness = await StartAsync(apps);
        var id = await AddConnectionAsync(harness, "slack", "xoxb-stored");

        var node = await RunAsync(harness, "slack.postMessage", new JsonObject { ["connectionId"] = id.ToString(), ["channel"] = "#ops", ["text"] = "hi" });

        Assert.True(node.Status == NodeStatus.Succeeded, node.Error);
        Assert.Equal("1503435956.000247", (string?)JsonNode.Parse(node.OutputJson!)!["ts"]);
        Assert.Equal("Bearer xoxb-stored", Assert.Single(apps.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task GitHubCreateIssue_ThroughStoredConnection_SendsItsTokenAndSucceeds()
    {
        await using var apps = await LocalAppsServer.StartAsync();
        await using var harness = await StartAsync(apps);
        var id = await AddConnectionAsync(harness, "github", "ghp_stored");

        var node = await RunAsync(harness, "github.createIssue", new JsonObject { ["connectionId"] = id.ToString(), ["owner"] = "acme", ["repo"] = "shop", ["title"] = "Broken" });

        Assert.True(node.Status == NodeStatus.Succeeded, node.Error);
        Assert.Equal(1347, (int?)JsonNode.Parse(node.OutputJson!)!["number"]);
        Assert.Equal("Bearer ghp_stored", Assert.Single(apps.Requests).Headers["authorization"]);
    }
}
