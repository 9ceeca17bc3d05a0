using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary><c>http.request</c> through the API: a flow calls a local server and a later node uses the response.</summary>
public sealed class HttpRequestFlowTests
{
    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static JsonObject FetchAndSummarise() => Flows.Chain("fetch customer",
        ("fetch", "http.request", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = "{{ input.url }}",
            ["query"] = new JsonObject { ["id"] = "{{ input.id }}" },
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer {{ input.token }}" },
        }),
        ("summary", "core.set", new JsonObject
        {
            ["values"] = new JsonObject
            {
                ["greeting"] = "Hello {{ nodes.fetch.output.body.name }}",
                ["status"] = "{{ nodes.fetch.output.status }}",
                ["plan"] = "{{ nodes.fetch.output.body.plan }}",
            },
        }));

    private static async Task<JsonObject> RunToEndAsync(HttpClient client, Guid flowId, object input)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input }) };
        request.Headers.Add("Prefer", "wait=20");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Run_TriggerHttpRequestSet_SetUsesTheResponse()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/customers", (HttpContext c) =>
            c.Request.Headers.Authorization == "Bearer t-1"
                ? Results.Json(new JsonObject { ["id"] = c.Request.Query["id"].ToString(), ["name"] = "Ada", ["plan"] = new JsonObject { ["tier"] = "gold" } })
                : Results.Unauthorized()));
        await using var server = await TestServer.StartAsync("--Http:AllowedHosts:0=127.0.0.1");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, FetchAndSummarise());

        var run = await RunToEndAsync(client, flowId, new { url = $"{target.Address}customers", id = "c 7", token = "t-1" });

        Assert.Equal("Succeeded", (string?)run["status"]);
        var summary = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "summary")!;
        Assert.Equal("Hello Ada", (string?)summary["output"]!["greeting"]);
        Assert.Equal(200, (int)summary["output"]!["status"]!);
        Assert.Equal("gold", (string?)summary["output"]!["plan"]!["tier"]);
        Assert.Equal("/customers?id=c%207", Assert.Single(target.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Run_GuardOnByDefault_RunFailsNamingTheSettingAndNothingIsSent()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/customers", () => "secret"));
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, FetchAndSummarise());

        var run = await RunToEndAsync(client, flowId, new { url = $"{target.Address}customers", id = "1", token = "t-1" });

        Assert.Equal("Failed", (string?)run["status"]);
        Assert.Contains("loopback address", (string?)run["error"], StringComparison.Ordinal);
        Assert.Contains("Http:AllowPrivateNetworks", (string?)run["error"], StringComparison.Ordinal);
        Assert.DoesNotContain("t-1", (string?)run["error"], StringComparison.Ordinal);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Create_BadHttpRequestConfig_400NamingNodeAndField()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("bad", ("fetch", "http.request", new JsonObject { ["method"] = "GET", ["url"] = "file:///etc/passwd" }));

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("invalid_config", (string?)error["code"]);
        Assert.Equal("fetch", (string?)error["nodeId"]);
        Assert.Contains("only http and https", error.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidHttpSetting_StopsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await TestServer.StartAsync("--Http:AllowedHosts:0=not a host");
        });

        Assert.Contains("Http:AllowedHosts:0", error.Message, StringComparison.Ordinal);
    }
}
