using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class FlowEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Create_ValidFlow_Returns201AndKeepsJsonAsSent()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Diamond();

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal($"/api/flows/{body["id"]}", response.Headers.Location!.OriginalString);
        var stored = (await client.GetFromJsonAsync<JsonObject>(response.Headers.Location))!;
        Assert.Equal("diamond", stored["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(flow, stored["definition"]), "the stored definition differs from what was sent");
        Assert.Equal(150, stored["definition"]!["nodes"]![0]!["measured"]!["width"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_NewVersion_OldVersionStaysReadable()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond("v1"))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var update = await client.PutAsJsonAsync($"/api/flows/{id}", Flows.Diamond("v2"));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(2, (await update.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
        Assert.Equal("v2", (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{id}"))!["name"]!.GetValue<string>());
        Assert.Equal("v1", (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{id}?version=1"))!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_InvalidFlow_Returns400ListingEveryProblem()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = new JsonObject
        {
            ["name"] = "broken",
            ["nodes"] = new JsonArray(
                Flows.Node("t1", "trigger.manual"), Flows.Node("t2", "trigger.manual"),
                Flows.Node("x", "core.nope"), Flows.Node("w", "core.wait", new JsonObject { ["ms"] = "soon" }),
                Flows.Node("p", "core.noop"), Flows.Node("q", "core.noop"), Flows.Node("r", "core.noop")),
            ["edges"] = new JsonArray(Flows.Edge("t1", "x"), Flows.Edge("t1", "w"), Flows.Edge("p", "q"), Flows.Edge("q", "r"), Flows.Edge("r", "p"), Flows.Edge("w", "ghost")),
        };

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray();
        var codes = errors.Select(e => e!["code"]!.GetValue<string>()).ToHashSet();
        Assert.Contains("unreachable_node", codes);
        Assert.Contains("unknown_node_type", codes);
        Assert.Contains("invalid_config", codes);
        Assert.Contains("cycle", codes);
        Assert.Contains("edge_target_missing", codes);
        var cycle = errors.First(e => e!["code"]!.GetValue<string>() == "cycle")!;
        Assert.Equal(["p", "q", "r"], cycle["nodeIds"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Equal("w", errors.First(e => e!["code"]!.GetValue<string>() == "invalid_config")!["nodeId"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_PagesWithCursor_NoDuplicates()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsJsonAsync("/api/flows", Flows.Diamond($"flow {i}"))).EnsureSuccessStatusCode();
        }

        var seen = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/flows?limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))!;
            seen.AddRange(body["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            cursor = body["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                break;
            }
        }

        Assert.Equal(["flow 4", "flow 3", "flow 2", "flow 1", "flow 0"], seen);
    }

    [Fact]
    public async Task Delete_Flow_Returns204ThenNotFound()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var location = (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Headers.Location!;

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400NamingThePosition()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsync("/api/flows", new StringContent("{\"name\": \"x\", \"nodes\": [", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_json", problem["errors"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ExpressionNestedTenThousandDeep_Returns400NamingNodeAndField()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var deep = "{{ " + new string('(', 10_000) + "input.a" + new string(')', 10_000) + " }}";
        var flow = Flows.Chain("deep", ("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["deep"] = deep } }));

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("set", error["nodeId"]!.GetValue<string>());
        Assert.Equal("nodes[1].data.config.values.deep", error["field"]!.GetValue<string>());
        Assert.Contains("nested more than 32 deep", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
