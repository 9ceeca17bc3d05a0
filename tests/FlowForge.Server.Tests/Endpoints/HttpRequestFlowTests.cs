using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary><c>http.request</c> through the API: a flow calls a local server and a later node uses the response.</summary>
public sealed class HttpRequestFlowTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
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
    public async Task Run_BinaryResponse_BodyKeptInBlobStoreDownloadsByOwnerAndGoesWithTheRun()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0xFF, 0x00, 0x7F];
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/logo.png", () => Results.Bytes(png, "image/png")));
        await using var server = await TestServer.StartAsync("--Http:AllowedHosts:0=127.0.0.1");
        using var client = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("download", ("fetch", "http.request", new JsonObject { ["method"] = "GET", ["url"] = "{{ input.url }}" })));

        var run = await RunToEndAsync(client, flowId, new { url = $"{target.Address}logo.png" });

        Assert.Equal("Succeeded", (string?)run["status"]);
        var output = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "fetch")!["output"]!;
        var body = output["body"]!.AsObject();
        Assert.Equal(["blobId", "contentType", "size", "sha256"], body.Select(p => p.Key));
        Assert.Equal("image/png", (string?)body["contentType"]);
        Assert.Equal(png.Length, (int)body["size"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), (string?)body["sha256"]);
        Assert.DoesNotContain(Convert.ToBase64String(png), output.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("base64", output.ToJsonString(), StringComparison.Ordinal);

        var href = $"/api/runs/{run["id"]}/nodes/fetch/body";
        var download = await client.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(href)).StatusCode);
        var folder = Path.Combine(server.DataDirectory, "flowforge.db-blobs", run["id"]!.GetValue<Guid>().ToString("N"));
        Assert.True(Directory.Exists(folder));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/runs/{run["id"]}")).StatusCode);

        Assert.False(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(href)).StatusCode);
    }

    [Fact]
    public async Task GetBody_NodeOutputWithoutBlobBody_404NamingTheNode()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("plain", ("stamp", "core.set", new JsonObject { ["values"] = new JsonObject { ["body"] = "text" } })));
        var run = await RunToEndAsync(client, flowId, new { });

        var response = await client.GetAsync($"/api/runs/{run["id"]}/nodes/stamp/body");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("node 'stamp'", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GuardOnByDefault_RunFailsNamingTheSettingAndNothingIsSent()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/customers", () => "secret"));
        var server = shared.Server;
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
        var server = shared.Server;
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
