using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Credentials;

/// <summary>Nodes get the run owner's connections, and a connection they cannot use fails them for good with a message saying why.</summary>
public sealed class NodeConnectionsTests
{
    private static readonly DateTimeOffset Created = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static Task<EngineHarness> StartAsync() =>
        EngineHarness.StartAsync(services: s => s.AddSingleton<ISecretProtector, JsonSecretProtector>());

    private static async Task<ConnectionRecord> AddAsync(EngineHarness harness, Guid owner, string? provider = null, ConnectionStatus status = ConnectionStatus.Connected, string? reason = null)
    {
        var record = new ConnectionRecord(Guid.NewGuid(), owner, "Team bot", ConnectionKind.Bearer, provider,
            new JsonSecretProtector().Protect(new Dictionary<string, string> { ["token"] = "t" }), status, reason, [], null, Created, Created, 1);
        await harness.Services.GetRequiredService<IConnectionStore>().AddConnectionAsync(record, CancellationToken.None);
        return record;
    }

    private static async Task<Engine.Storage.NodeInstanceView> RunAsync(EngineHarness harness, JsonObject config)
    {
        var flow = new FlowBuilder("connections").Node("trigger", "trigger.manual").Node("call", "test.connectionCall", config).Edge("trigger", "call")
            .Data("call", "retry", new JsonObject { ["maxAttempts"] = 3, ["delayMs"] = 10 });
        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(await harness.CreateFlowAsync(flow.ToJson())));
        return run.Nodes.Single(n => n.NodeId == "call");
    }

    [Fact]
    public async Task GetAsync_TheOwnersConnection_IsHandedToTheNode()
    {
        await using var harness = await StartAsync();
        var connection = await AddAsync(harness, EngineHarness.Owner, "slack");

        var node = await RunAsync(harness, new JsonObject { ["connectionId"] = connection.Id.ToString(), ["provider"] = "slack" });

        Assert.Equal(NodeStatus.Succeeded, node.Status);
        Assert.Equal("Team bot", (string?)JsonNode.Parse(node.OutputJson!)!["name"]);
    }

    [Fact]
    public async Task GetAsync_AnotherOwnersConnection_FailsTheNodeOnceSayingItWasNotFound()
    {
        await using var harness = await StartAsync();
        var connection = await AddAsync(harness, Guid.NewGuid());

        var node = await RunAsync(harness, new JsonObject { ["connectionId"] = connection.Id.ToString() });

        Assert.Equal(NodeStatus.Failed, node.Status);
        Assert.Equal(1, node.Attempt);
        Assert.Equal($"Connection '{connection.Id}' was not found for this flow's owner; choose one of your connections in node 'call'.", node.Error);
    }

    [Fact]
    public async Task GetAsync_ConnectionOfAnotherProvider_FailsNamingTheProviderTheNodeNeeds()
    {
        await using var harness = await StartAsync();
        var connection = await AddAsync(harness, EngineHarness.Owner, "github");

        var node = await RunAsync(harness, new JsonObject { ["connectionId"] = connection.Id.ToString(), ["provider"] = "slack" });

        Assert.Equal(NodeStatus.Failed, node.Status);
        Assert.Equal(1, node.Attempt);
        Assert.Equal($"Node 'call' needs a slack connection, but connection 'Team bot' ({connection.Id}) is a github connection; choose one of your slack connections.", node.Error);
    }

    [Fact]
    public async Task GetAsync_BrokenConnection_FailsWithItsReasonAndWhatToDo()
    {
        await using var harness = await StartAsync();
        var connection = await AddAsync(harness, EngineHarness.Owner, status: ConnectionStatus.Broken, reason: "invalid_grant");

        var node = await RunAsync(harness, new JsonObject { ["connectionId"] = connection.Id.ToString() });

        Assert.Equal(NodeStatus.Failed, node.Status);
        Assert.Equal(1, node.Attempt);
        Assert.Equal($"Connection 'Team bot' ({connection.Id}) is broken: invalid_grant. Reconnect it on the Connections page.", node.Error);
    }
}
