using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class BadInputTests
{
    [Fact]
    public async Task BadBodies_Get4xx_AndServerStaysHealthy()
    {
        await using var server = await TestServer.StartAsync("--Flows:MaxNodes=50");
        using var client = await server.CreateUserClientAsync();
        var flowId = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
        }

        // Malformed JSON.
        await AssertProblem(await client.PostAsync("/api/flows", new StringContent("{nodes:", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsync($"/api/flows/{flowId}/runs", new StringContent("{\"input\": {", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        // A 10 MB body.
        var huge = "{\"name\":\"" + new string('x', 10 * 1024 * 1024) + "\"}";
        using (var upload = new HttpRequestMessage(HttpMethod.Post, "/api/flows") { Content = new StringContent(huge, Encoding.UTF8, "application/json") })
        {
            // With Expect: 100-continue the refusal arrives before the body is sent, so the client can read it.
            upload.Headers.ExpectContinue = true;
            await AssertProblem(await client.SendAsync(upload), HttpStatusCode.RequestEntityTooLarge);
        }

        // Over the node limit.
        var nodes = new JsonArray(Flows.Node("trigger", "trigger.manual"));
        var edges = new JsonArray();
        for (var i = 0; i < 60; i++)
        {
            nodes.Add(Flows.Node($"n{i}", "core.noop"));
            edges.Add(Flows.Edge("trigger", $"n{i}"));
        }

        var big = await client.PostAsJsonAsync("/api/flows", new JsonObject { ["name"] = "big", ["nodes"] = nodes, ["edges"] = edges });
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("too_many_nodes", await big.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Wrong types.
        var wrongTypes = await client.PostAsync("/api/flows", new StringContent("{\"name\": 5, \"nodes\": \"many\", \"edges\": {}}", Encoding.UTF8, "application/json"));
        await AssertProblem(wrongTypes, HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = 5 }), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync("/api/flows", new JsonArray()), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync("/api/flows?limit=abc"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync("/api/flows?limit=0"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync("/api/flows?cursor=not-a-cursor"), HttpStatusCode.BadRequest);
        using (var prefer = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { }) })
        {
            prefer.Headers.Add("Prefer", "wait=forever");
            await AssertProblem(await client.SendAsync(prefer), HttpStatusCode.BadRequest);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/flows/not-a-guid")).StatusCode);

        // Still healthy and still working.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        using var wait = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { }) };
        wait.Headers.Add("Prefer", "wait=10");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(wait)).StatusCode);
    }
}
