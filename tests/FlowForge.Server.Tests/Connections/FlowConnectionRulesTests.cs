using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>A flow saved with a <c>connectionId</c> the owner cannot use is refused, naming the node and the field.</summary>
public sealed class FlowConnectionRulesTests(ConnectionServerFixture shared) : IClassFixture<ConnectionServerFixture>
{
    private static JsonObject SlackFlow(string connectionId) =>
        Flows.Chain("post", ("post", "test.slackProbe", new JsonObject { ["connectionId"] = connectionId }));

    [Fact]
    public async Task CreateFlow_UnknownConnection_Returns400NamingNodeAndField()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var missing = Guid.NewGuid().ToString();

        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/flows", SlackFlow(missing)), HttpStatusCode.BadRequest);

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("post", (string?)error["nodeId"]);
        Assert.Equal("nodes[1].data.config.connectionId", (string?)error["field"]);
        Assert.Contains($"connection '{missing}' was not found", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateFlow_AnotherUsersConnection_Returns400()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var theirs = (string)(await CreateAsync(owner, new { name = "n", kind = "bearer", provider = "slack", secret = new { token = "t" } }))["id"]!;

        var problem = await ProblemAsync(await stranger.PostAsJsonAsync("/api/flows", SlackFlow(theirs)), HttpStatusCode.BadRequest);

        Assert.Equal("nodes[1].data.config.connectionId", (string?)Assert.Single(problem["errors"]!.AsArray())!["field"]);
    }

    [Fact]
    public async Task SaveFlow_ConnectionOfAnotherProvider_Returns400SayingWhichProviderTheNodeNeeds()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var github = (string)(await CreateAsync(client, new { name = "Hub", kind = "bearer", provider = "github", secret = new { token = "t" } }))["id"]!;
        var slack = (string)(await CreateAsync(client, new { name = "Chat", kind = "bearer", provider = "slack", secret = new { token = "t" } }))["id"]!;
        var created = await client.PostAsJsonAsync("/api/flows", SlackFlow(slack));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flowId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        var problem = await ProblemAsync(await client.PutAsJsonAsync($"/api/flows/{flowId}", SlackFlow(github)), HttpStatusCode.BadRequest);

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("post", (string?)error["nodeId"]);
        Assert.Equal("Node 'post' needs a slack connection, but connection 'Hub' is a github connection; choose one of your slack connections.", (string?)error["message"]);
    }

    [Fact]
    public async Task CreateFlow_ConnectionIdExpression_IsLeftForTheRun()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsJsonAsync("/api/flows", SlackFlow("{{ input.connection }}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Run_ConnectionIdExpressionNamingAnotherUsersConnection_FailsTheNodeAsNotFoundWithoutUsingIt()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/check", (HttpContext c) => Results.Text(c.Request.Headers.Authorization.ToString())));
        await using var server = await StartServerAsync(null, "--Http:AllowedHosts:0=127.0.0.1");
        using var owner = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var theirs = (string)(await CreateAsync(owner, new { name = "n", kind = "bearer", secret = new { token = "owners-token" } }))["id"]!;
        var flow = Flows.Chain("borrow", ("use", "test.connectionProbe", new JsonObject
        {
            ["connectionId"] = "{{ input.connection }}", ["url"] = new Uri(target.Address, "/check").ToString(),
        }));
        var created = await stranger.PostAsJsonAsync("/api/flows", flow);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flowId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { connection = theirs } }) };
        start.Headers.Add("Prefer", "wait=30");
        var run = (await (await stranger.SendAsync(start)).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("Failed", (string?)run["status"]);
        var use = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "use")!;
        Assert.Single(use["attempts"]!.AsArray());
        Assert.Contains($"Connection '{theirs}' was not found for this flow's owner", (string?)use["error"], StringComparison.Ordinal);
        Assert.Empty(target.Requests);
    }
}
