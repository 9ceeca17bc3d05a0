using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Testing;
using FlowForge.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Tests.Nodes;

/// <summary><c>http.request</c> with a <c>connectionId</c>: credentials from the connection, the guard still in force.</summary>
public sealed class HttpRequestNodeConnectionTests
{
    [Fact]
    public async Task ExecuteAsync_WithConnectionId_SendsTheConnectionsCredentials()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/me", () => Results.Json(new { ok = true })));
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.1"]);
        using var connections = new TestNodeConnections().Add("key-1", "anything", token: "api-key-1");
        var config = new JsonObject { ["method"] = "GET", ["url"] = server.Url("me").ToString(), ["connectionId"] = "key-1" };

        var result = await harness.Node.ExecuteAsync(NodeContexts.For(config, connections: connections), CancellationToken.None);

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal("Bearer api-key-1", Assert.Single(server.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task ExecuteAsync_WithConnectionToPrivateAddress_IsRefusedAndNothingIsSent()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/me", () => Results.Json(new { ok = true })));
        await using var harness = HttpNodeHarness.Create();
        using var connections = new TestNodeConnections().Add("key-1", "anything", token: "api-key-1");
        var config = new JsonObject { ["method"] = "GET", ["url"] = server.Url("me").ToString(), ["connectionId"] = "key-1" };

        var result = await harness.Node.ExecuteAsync(NodeContexts.For(config, connections: connections), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("Http:AllowPrivateNetworks", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_RedirectToAnotherOrigin_DropsTheConnectionsCredentials()
    {
        await using var other = await LocalHttpServer.StartAsync(app => app.MapGet("/landing", () => Results.Json(new { ok = true })));
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/start", () => Results.Redirect(other.Url("landing").ToString())));
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.1"]);
        using var connections = new TestNodeConnections().Add("key-1", "anything", token: "api-key-1");
        var config = new JsonObject { ["method"] = "GET", ["url"] = server.Url("start").ToString(), ["connectionId"] = "key-1" };

        var result = await harness.Node.ExecuteAsync(NodeContexts.For(config, connections: connections), CancellationToken.None);

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal("Bearer api-key-1", Assert.Single(server.Requests).Headers["authorization"]);
        Assert.False(Assert.Single(other.Requests).Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task ExecuteAsync_UnknownConnection_FailsNamingIt()
    {
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.1"]);
        using var connections = new TestNodeConnections();
        var config = new JsonObject { ["method"] = "GET", ["url"] = "http://127.0.0.1:9/", ["connectionId"] = "missing" };

        var result = await harness.Node.ExecuteAsync(NodeContexts.For(config, connections: connections), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("'missing'", result.Error, StringComparison.Ordinal);
    }
}
