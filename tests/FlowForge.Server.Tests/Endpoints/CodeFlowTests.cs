using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary><c>core.code</c> through the API: refused at save when it cannot be read, run end to end with its console in the run view.</summary>
public sealed class CodeFlowTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Create_CodeWithSyntaxError_Returns400NamingNodeFieldLineAndColumn()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("broken", ("calc", "core.code", new JsonObject { ["source"] = "const a = 1;\nreturn a +;" }));

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("calc", error["nodeId"]!.GetValue<string>());
        Assert.Equal("nodes[1].data.config.source", error["field"]!.GetValue<string>());
        Assert.Contains("line 2, column 11", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TriggerCodeSet_OutputFlowsOnAndConsoleIsInTheAttempt()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain(
            "code",
            ("calc", "core.code", new JsonObject { ["source"] = "console.log('items:', input.items.length);\nreturn { count: input.items.length, names: input.items.map(i => i.name.toUpperCase()) };" }),
            ("done", "core.set", new JsonObject { ["values"] = new JsonObject { ["summary"] = "{{ nodes.calc.output.count }} items, first {{ nodes.calc.output.names[0] }}", ["names"] = "{{ nodes.calc.output.names }}" } }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs")
        {
            Content = JsonContent.Create(new { input = new { items = new[] { new { name = "pen" }, new { name = "ink" } } } }),
        };
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var nodes = run["nodes"]!.AsArray();
        var calc = nodes.Single(n => n!["nodeId"]!.GetValue<string>() == "calc")!;
        Assert.Equal("""{"count":2,"names":["PEN","INK"]}""", calc["output"]!.ToJsonString());
        Assert.Equal("items: 2", calc["attempts"]![0]!["logs"]!.GetValue<string>());
        var done = nodes.Single(n => n!["nodeId"]!.GetValue<string>() == "done")!;
        Assert.Equal("""{"summary":"2 items, first PEN","names":["PEN","INK"]}""", done["output"]!.ToJsonString());
    }

    [Fact]
    public async Task Run_CodeThrows_RunFailsWithLineAndColumnOfTheError()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("throws", ("calc", "core.code", new JsonObject { ["source"] = "\n\nreturn input.missing.field;" }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { } }) };
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Failed", run["status"]!.GetValue<string>());
        var calc = run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == "calc")!;
        Assert.Contains("line 3, column", calc["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("TypeError", calc["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
