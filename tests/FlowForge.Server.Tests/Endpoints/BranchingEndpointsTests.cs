using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>Switch ports checked on save, and runs of flows with several triggers started through the API.</summary>
public sealed class BranchingEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static FlowBuilder TwoManualTriggers() => new FlowBuilder("two ways in")
        .Node("first", "trigger.manual").Node("second", "trigger.manual")
        .Node("onlyFirst", "core.noop").Node("shared", "core.noop")
        .Chain("first", "onlyFirst", "shared").Chain("second", "shared");

    [Fact]
    public async Task SaveFlow_SwitchEdgeFromPortNoCaseNames_Returns400NamingTheEdge()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = new FlowBuilder("routing")
            .Node("t", "trigger.manual")
            .Node("route", "core.switch", new JsonObject
            {
                ["value"] = "{{ input.status }}",
                ["cases"] = new JsonArray(new JsonObject { ["port"] = "paid", ["equals"] = "paid" }),
            })
            .Node("paid", "core.noop").Node("refunds", "core.noop")
            .Edge("t", "route").Edge("route", "paid", port: "paid").Edge("route", "refunds", port: "refunded", id: "to-refunds")
            .ToJsonObject();

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("unknown_port", error["code"]!.GetValue<string>());
        Assert.Equal("to-refunds", error["edgeId"]!.GetValue<string>());
        Assert.Equal("edges[2].sourceHandle", error["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_SeveralManualTriggersNoneNamed_Returns400NamingTheTriggerField()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, TwoManualTriggers().ToJsonObject());

        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("trigger", problem["field"]!.GetValue<string>());
        Assert.Contains("'first', 'second'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "trigger": 5 }""", "must be the id")]
    [InlineData("""{ "trigger": "" }""", "must be the id")]
    [InlineData("""{ "trigger": "shared" }""", "not a trigger")]
    [InlineData("""{ "trigger": "nowhere" }""", "not in the flow")]
    public async Task StartRun_TriggerThatCannotStartTheRun_Returns400NamingTheField(string body, string reason)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, TwoManualTriggers().ToJsonObject());

        var response = await client.PostAsync($"/api/flows/{flowId}/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("trigger", problem["field"]!.GetValue<string>());
        Assert.Contains(reason, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_NamedTrigger_SkipsTheOtherAndWhatOnlyItReaches()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, TwoManualTriggers().ToJsonObject());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { trigger = "second" }) };
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        Assert.Equal(
            ["first:Skipped", "onlyFirst:Skipped", "second:Succeeded", "shared:Succeeded"],
            run["nodes"]!.AsArray().Select(n => $"{n!["nodeId"]}:{n["status"]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NodeTypes_Switch_SaysItsPortsComeFromItsConfig()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var types = (await client.GetFromJsonAsync<JsonArray>("/api/node-types"))!;

        var byId = types.ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!);
        Assert.True(byId["core.switch"]["dynamicOutputs"]!.GetValue<bool>());
        Assert.Equal(["default"], byId["core.switch"]["outputs"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.False(byId["core.if"]["dynamicOutputs"]!.GetValue<bool>());
        Assert.Equal(["true", "false"], byId["core.if"]["outputs"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains("core.merge", byId.Keys);
        Assert.Contains("core.filter", byId.Keys);
    }
}
