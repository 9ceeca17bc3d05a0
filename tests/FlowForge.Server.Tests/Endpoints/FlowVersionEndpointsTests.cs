using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class FlowVersionEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static async Task<Guid> CreateWithVersionsAsync(HttpClient client, int versions)
    {
        var id = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond("v1"))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        for (var v = 2; v <= versions; v++)
        {
            (await client.PutAsJsonAsync($"/api/flows/{id}", Flows.Diamond($"v{v}"))).EnsureSuccessStatusCode();
        }

        return id;
    }

    [Fact]
    public async Task List_ThreeVersions_NewestFirstWithNameAndNodeCount()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = await CreateWithVersionsAsync(client, 3);

        var page = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{id}/versions"))!;

        var items = page["items"]!.AsArray();
        Assert.Equal([3, 2, 1], items.Select(i => i!["version"]!.GetValue<int>()));
        Assert.Equal(["v3", "v2", "v1"], items.Select(i => i!["name"]!.GetValue<string>()));
        var nodes = Flows.Diamond()["nodes"]!.AsArray().Count;
        Assert.All(items, i => Assert.Equal(nodes, i!["nodeCount"]!.GetValue<int>()));
        Assert.All(items, i => Assert.True(i!["createdAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UnixEpoch));
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughEveryVersionOnce()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = await CreateWithVersionsAsync(client, 5);

        var seen = new List<int>();
        string? cursor = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{id}/versions?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"))!;
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["version"]!.GetValue<int>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                break;
            }
        }

        Assert.Equal([5, 4, 3, 2, 1], seen);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=51", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("cursor=99", "cursor")]
    public async Task List_BadPaging_Returns400NamingTheField(string query, string field)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = await CreateWithVersionsAsync(client, 2);

        var response = await client.GetAsync($"/api/flows/{id}/versions?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_AnotherUsersFlow_Returns404()
    {
        var server = shared.Server;
        using var alice = await server.CreateUserClientAsync();
        using var bob = await server.CreateUserClientAsync();
        var id = await CreateWithVersionsAsync(alice, 2);

        var response = await bob.GetAsync($"/api/flows/{id}/versions");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
