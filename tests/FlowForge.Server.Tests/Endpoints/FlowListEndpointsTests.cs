using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using FlowForge.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>GET /api/flows carries what the flows page shows: activation, trigger kinds and the newest run, and searches by name.</summary>
public sealed class FlowListEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task List_Items_CarryActiveTriggerKindsAndLastRun()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var manual = await CreateAsync(client, Flows.Diamond("manual only"));
        var hooked = await CreateAsync(client, new JsonObject
        {
            ["name"] = "hooked",
            ["nodes"] = new JsonArray(
                Flows.Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "immediately" }),
                Flows.Node("go", "trigger.manual"),
                Flows.Node("next", "core.noop")),
            ["edges"] = new JsonArray(Flows.Edge("hook", "next"), Flows.Edge("go", "next")),
        });
        (await client.PostAsync($"/api/flows/{hooked}/activate", null)).EnsureSuccessStatusCode();
        var first = await StartRunAsync(client, manual);
        var second = await StartRunAsync(client, manual);
        await Eventually.MatchesAsync(
            () => client.GetFromJsonAsync<JsonObject>($"/api/runs/{second}"),
            r => r!["status"]!.GetValue<string>() == "Succeeded",
            "the second run to succeed");

        var items = (await client.GetFromJsonAsync<JsonObject>("/api/flows"))!["items"]!.AsArray();

        var hookedItem = items.Single(i => i!["id"]!.GetValue<Guid>() == hooked)!;
        Assert.True(hookedItem["active"]!.GetValue<bool>());
        Assert.Equal(["trigger.webhook", "trigger.manual"], hookedItem["triggerKinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Null(hookedItem["lastRun"]);
        var manualItem = items.Single(i => i!["id"]!.GetValue<Guid>() == manual)!;
        Assert.False(manualItem["active"]!.GetValue<bool>());
        Assert.Equal(["trigger.manual"], manualItem["triggerKinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        var lastRun = manualItem["lastRun"]!;
        Assert.NotEqual(first, second);
        Assert.Equal(second, lastRun["id"]!.GetValue<Guid>());
        Assert.Equal("Succeeded", lastRun["status"]!.GetValue<string>());
        Assert.NotNull(lastRun["createdAt"]);
        Assert.NotNull(lastRun["finishedAt"]);
    }

    [Fact]
    public async Task List_Search_KeepsNamesContainingTextIgnoringCaseAndPages()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        foreach (var name in new[] { "Invoice sync", "nightly INVOICES", "Slack alerts", "invoice cleanup" })
        {
            await CreateAsync(client, Flows.Diamond(name));
        }

        var firstPage = (await client.GetFromJsonAsync<JsonObject>("/api/flows?search=InVoIcE&limit=2"))!;
        var cursor = firstPage["nextCursor"]!.GetValue<string>();
        var secondPage = (await client.GetFromJsonAsync<JsonObject>($"/api/flows?search=InVoIcE&limit=2&cursor={Uri.EscapeDataString(cursor)}"))!;

        Assert.Equal(["invoice cleanup", "nightly INVOICES"], Names(firstPage));
        Assert.Equal(["Invoice sync"], Names(secondPage));
        Assert.Null(secondPage["nextCursor"]);
        Assert.Equal(["Slack alerts"], Names((await client.GetFromJsonAsync<JsonObject>("/api/flows?search=%20slack%20"))!));
        Assert.Empty(Names((await client.GetFromJsonAsync<JsonObject>("/api/flows?search=%25"))!));
        Assert.Equal(4, Names((await client.GetFromJsonAsync<JsonObject>("/api/flows?search="))!).Length);
    }

    [Fact]
    public async Task List_SearchLongerThanSetting_Returns400NamingSearch()
    {
        await using var server = await TestServer.StartAsync("--Api:MaxFlowSearchLength=5");
        using var client = await server.CreateUserClientAsync();

        var response = await client.GetAsync("/api/flows?search=abcdef");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("search", problem["field"]!.GetValue<string>());
        Assert.Contains("Api:MaxFlowSearchLength", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AnotherUsersFlows_AreNotListedNorTheirRuns()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync("owner@example.com");
        using var other = await server.CreateUserClientAsync("other@example.com");
        var flowId = await CreateAsync(owner, Flows.Diamond("private"));
        await StartRunAsync(owner, flowId);

        Assert.Empty(Names((await other.GetFromJsonAsync<JsonObject>("/api/flows?search=private"))!));
    }

    private static string[] Names(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>())];

    private static async Task<Guid> CreateAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> StartRunAsync(HttpClient client, Guid flowId)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
    }
}
