using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>Outputs over Engine:InlineOutputBytes in the run API: size and link in the run, the whole output from the link, deletion with the run.</summary>
public sealed class LargeOutputEndpointsTests
{
    private const int Repeats = 10;
    private const int InputLength = 500_000;

    private static async Task<(HttpClient Client, JsonObject Run)> RunLargeAsync(TestServer server)
    {
        var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("large", ("big", "core.set", new JsonObject { ["values"] = new JsonObject { ["s"] = string.Concat(Enumerable.Repeat("{{ input.s }}", Repeats)) } }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs")
        {
            Content = JsonContent.Create(new { input = new { s = new string('x', InputLength) } }),
        };
        request.Headers.Add("Prefer", "wait=60");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (client, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static Task<TestServer> StartServerAsync() => TestServer.StartAsync("--Engine:MaxExpressionResultBytes=8388608");

    private static JsonNode NodeOf(JsonObject run, string nodeId) => run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == nodeId)!;

    [Fact]
    public async Task Get_FiveMegabyteOutputInBlobStore_ShowsSizeAndLinkThatServesItWhole()
    {
        await using var server = await StartServerAsync();
        var (client, run) = await RunLargeAsync(server);
        using var _ = client;

        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var big = NodeOf((await client.GetFromJsonAsync<JsonObject>($"/api/runs/{run["id"]}"))!, "big");
        Assert.Null(big["output"]);
        Assert.Equal(InputLength * Repeats + """{"s":""}""".Length, big["outputLink"]!["bytes"]!.GetValue<long>());
        var href = big["outputLink"]!["href"]!.GetValue<string>();
        Assert.Equal($"/api/runs/{run["id"]}/nodes/big/output", href);

        var whole = await client.GetAsync(href);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("application/json", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new string('x', InputLength * Repeats), (await whole.Content.ReadFromJsonAsync<JsonObject>())!["s"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetOutput_BlobRemovedFromDisk_Returns410NamingTheNode()
    {
        await using var server = await StartServerAsync();
        var (client, run) = await RunLargeAsync(server);
        using var _ = client;
        Directory.Delete(Path.Combine(server.DataDirectory, "flowforge.db-blobs", run["id"]!.GetValue<Guid>().ToString("N")), recursive: true);

        var response = await client.GetAsync($"/api/runs/{run["id"]}/nodes/big/output");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("node 'big'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_FinishedRun_Returns204AndRemovesTheRunAndItsBlobs()
    {
        await using var server = await StartServerAsync();
        var (client, run) = await RunLargeAsync(server);
        using var _ = client;
        var folder = Path.Combine(server.DataDirectory, "flowforge.db-blobs", run["id"]!.GetValue<Guid>().ToString("N"));
        var existed = Directory.Exists(folder);

        var response = await client.DeleteAsync($"/api/runs/{run["id"]}");

        Assert.True(existed);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/runs/{run["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/runs/{run["id"]}")).StatusCode);
    }

    [Fact]
    public async Task Delete_RunStillWaiting_Returns409AndKeepsIt()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var created = await client.PostAsJsonAsync("/api/flows", Flows.Chain("approval", ("approval", "core.wait", new JsonObject { ["until"] = "signal" })));
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var started = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });
        var location = started.Headers.Location!;
        await Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>(location))!,
            r => NodeOf(r, "approval")["waitingForSignal"]!.GetValue<bool>(),
            "the run to wait for its signal");

        var response = await client.DeleteAsync(location);
        var others = await stranger.DeleteAsync(location);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("cancel it first", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(location)).StatusCode);
    }
}
