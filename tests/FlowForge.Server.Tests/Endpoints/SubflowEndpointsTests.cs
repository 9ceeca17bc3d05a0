using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>Child runs through the API: the links both ways, paging, the refusals that keep a child in step with its parent, and owners.</summary>
public sealed class SubflowEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static JsonObject Body() => Flows.Chain("body", ("echo", "core.set", new JsonObject
    {
        ["values"] = new JsonObject { ["index"] = "{{ input.index }}", ["item"] = "{{ input.item }}" },
    }));

    private static JsonObject ForEach(Guid body) => Flows.Chain("parent", ("each", "core.forEach", new JsonObject
    {
        ["items"] = "{{ input.items }}",
        ["flowId"] = body.ToString(),
        ["concurrency"] = 2,
    }));

    private static async Task<JsonObject> RunToEndAsync(HttpClient client, Guid flowId, JsonObject input)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new JsonObject { ["input"] = input }) };
        request.Headers.Add("Prefer", "wait=20");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task GetRun_ForEachParentAndChild_LinkBothWays()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var body = await CreateFlowAsync(client, Body());
        var parent = await CreateFlowAsync(client, ForEach(body));

        var run = await RunToEndAsync(client, parent, new JsonObject { ["items"] = new JsonArray("a", "b", "c") });

        Assert.Equal("Succeeded", (string?)run["status"]);
        Assert.Null(run["parentRunId"]);
        var runId = (Guid)run["id"]!;
        var output = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "each")!["output"]!.AsArray();
        Assert.Equal(["a", "b", "c"], output.Select(o => (string?)o!["item"]));

        var first = (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}/children?limit=2"))!;
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var second = (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}/children?limit=2&cursor={Uri.EscapeDataString((string)first["nextCursor"]!)}"))!;
        var children = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).ToList();
        Assert.Null(second["nextCursor"]);
        Assert.Equal([0, 1, 2], children.Select(c => (int)c!["itemIndex"]!).Order());
        Assert.All(children, c => Assert.Equal("each", (string?)c!["parentNodeId"]));

        var child = (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{children[0]!["id"]}"))!;
        Assert.Equal(runId, (Guid)child["parentRunId"]!);
        Assert.Equal("each", (string?)child["parentNodeId"]);
        Assert.Equal((int)children[0]!["itemIndex"]!, (int)child["itemIndex"]!);
    }

    [Fact]
    public async Task DeleteAndRetry_ChildRun_Return409NamingTheParent()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var body = await CreateFlowAsync(client, Flows.Chain("body", ("stop", "core.error", new JsonObject { ["message"] = "bad item" })));
        var parent = await CreateFlowAsync(client, ForEach(body));
        var run = await RunToEndAsync(client, parent, new JsonObject { ["items"] = new JsonArray(1) });
        Assert.Equal("Failed", (string?)run["status"]);
        var runId = (Guid)run["id"]!;
        var childId = (Guid)(await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}/children"))!["items"]![0]!["id"]!;

        var delete = await client.DeleteAsync($"/api/runs/{childId}");
        var retry = await client.PostAsync($"/api/runs/{childId}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal("application/problem+json", delete.Content.Headers.ContentType!.MediaType);
        Assert.Contains("child run", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Contains(runId.ToString(), await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/runs/{runId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/runs/{childId}")).StatusCode);
    }

    [Fact]
    public async Task SaveFlow_ForEachNamingAnotherUsersFlow_Returns400NamingTheFieldAndChildrenOfOthersAre404()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync("owner@example.com");
        using var other = await server.CreateUserClientAsync("other@example.com");
        var theirs = await CreateFlowAsync(other, Body());
        var mine = await CreateFlowAsync(owner, Body());

        var refused = await owner.PostAsJsonAsync("/api/flows", ForEach(theirs));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        var error = problem["errors"]!.AsArray().Single()!;
        Assert.Equal("nodes[1].data.config.flowId", (string?)error["field"]);
        Assert.Contains($"flow {theirs} not found", (string?)error["message"], StringComparison.Ordinal);

        // A flow may name itself (nesting is bounded when it runs) and one of its owner's flows.
        var parent = await CreateFlowAsync(owner, ForEach(mine));
        var self = await owner.PutAsJsonAsync($"/api/flows/{parent}", Flows.Chain("self", ("call", "flow.call", new JsonObject { ["flowId"] = parent.ToString() })));
        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        var run = await RunToEndAsync(owner, mine, new JsonObject { ["item"] = 1 });
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/runs/{run["id"]}/children")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync($"/api/runs/{run["id"]}/children?cursor=garbage")).StatusCode);
    }
}
