using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class HealthAndDescriptionTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Health_LiveAndReady_Answer200()
    {
        var server = shared.Server;
        using var client = server.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetFromJsonAsync<JsonObject>("/health/ready");
        Assert.Equal("Healthy", ready!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["store"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_DescribesTheRunEndpoints()
    {
        var server = shared.Server;
        using var client = server.CreateClient();

        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/flows/{flowId}/runs"));
        Assert.True(paths.ContainsKey("/api/runs/{runId}"));
        Assert.True(paths.ContainsKey("/api/auth/token"));
    }

    [Fact]
    public async Task NodeTypes_ListsCoreTypesWithSchemas()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;

        var ids = types.Select(t => t!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("trigger.manual", ids);
        Assert.Contains("core.wait", ids);
        var wait = types.Single(t => t!["id"]!.GetValue<string>() == "core.wait")!;
        Assert.True(wait["category"]!.GetValue<string>() is "Logic" or "Action");
        Assert.NotNull(wait["configSchema"]!["properties"]!["ms"]);
        Assert.Equal("Trigger", types.Single(t => t!["id"]!.GetValue<string>() == "trigger.manual")!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task NodeTypes_EveryType_HasIconPortsAndTitledDescribedProperties()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;

        Assert.All(types, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)t!["icon"]), (string?)t["id"]);
            Assert.NotNull(t["inputs"]!.AsArray());
            Assert.NotEmpty(t["outputs"]!.AsArray());
            foreach (var (name, property) in t["configSchema"]!["properties"]?.AsObject() ?? [])
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)property!["title"]), $"{t["id"]}.{name}");
                Assert.False(string.IsNullOrWhiteSpace((string?)property["description"]), $"{t["id"]}.{name}");
            }
        });
        var manual = types.Single(t => (string?)t!["id"] == "trigger.manual")!;
        Assert.Empty(manual["inputs"]!.AsArray());
        var request = types.Single(t => (string?)t!["id"] == "http.request")!;
        Assert.Equal(["main"], request["inputs"]!.AsArray().Select(p => (string?)p));
        Assert.True((bool?)request["configSchema"]!["properties"]!["url"]!["x-expression"]);
    }
}
