using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class IntegrationNodeTypesEndpointTests
{
    [Fact]
    public async Task NodeTypes_IntegrationTypes_AreListedWithTheirProvider()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;

        var providers = types.ToDictionary(t => (string)t!["id"]!, t => (string?)t!["provider"]);
        Assert.Equal("slack", providers["slack.postMessage"]);
        Assert.Equal("google", providers["google.sheets.appendRow"]);
        Assert.Equal("google", providers["google.gmail.send"]);
        Assert.Equal("github", providers["github.createIssue"]);
        Assert.Equal("smtp", providers["email.send"]);
        Assert.Equal("openai", providers["ai.chat"]);
    }
}
