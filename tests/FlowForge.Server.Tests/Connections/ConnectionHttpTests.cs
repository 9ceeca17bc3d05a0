using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>A connection's client goes through the same guard as <c>http.request</c>.</summary>
public sealed class ConnectionHttpTests
{
    private static async Task<JsonObject> RunProbeAsync(HttpClient client, string connectionId, Uri url)
    {
        var flow = await client.PostAsJsonAsync("/api/flows", Flows.Chain("probe",
            ("probe", "test.connectionProbe", new JsonObject { ["connectionId"] = connectionId, ["url"] = url.ToString() })));
        Assert.Equal(HttpStatusCode.Created, flow.StatusCode);
        var flowId = (string)(await flow.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { } }) };
        start.Headers.Add("Prefer", "wait=30");
        var run = (await (await client.SendAsync(start)).Content.ReadFromJsonAsync<JsonObject>())!;
        return run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "probe")!.AsObject();
    }

    [Fact]
    public async Task Http_ToALoopbackAddressWithoutPermission_IsRefusedAndNothingIsSent()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/internal", () => Results.Ok()));
        await using var server = await StartServerAsync();
        using var client = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(client, new { name = "n", kind = "bearer", secret = new { token = "t" } }))["id"]!;

        var probe = await RunProbeAsync(client, id, new Uri(target.Address, "/internal"));

        Assert.Equal("Failed", (string?)probe["status"]);
        Assert.Contains("Http:AllowPrivateNetworks", (string?)probe["error"], StringComparison.Ordinal);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Http_ToAnAllowedHost_SendsTheCredential()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/internal", (HttpContext c) =>
            c.Request.Headers.Authorization == "Bearer t" ? Results.Ok() : Results.Unauthorized()));
        await using var server = await StartServerAsync(null, "--Http:AllowPrivateNetworks=true");
        using var client = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(client, new { name = "n", kind = "bearer", secret = new { token = "t" } }))["id"]!;

        var probe = await RunProbeAsync(client, id, new Uri(target.Address, "/internal"));

        Assert.Equal("Succeeded", (string?)probe["status"]);
        Assert.Equal(200, (int)probe["output"]!["status"]!);
    }
}
