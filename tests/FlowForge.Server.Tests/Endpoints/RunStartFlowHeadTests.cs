using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Xunit.Abstractions;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>
/// A run's start takes the flow's owner and newest version from the plan cache instead of reading the flow on every
/// request; a save or deletion drops what is kept, and another owner's flow stays not found.
/// </summary>
[Collection(PreferWaitCollection.Name)]
public sealed class RunStartFlowHeadTests(ITestOutputHelper output)
{
    private const int Runs = 40;

    [Fact]
    public async Task Start_FlowHeadKept_OneStoreStatementFewerPerTrigger()
    {
        // The same starts on a server that reads the flow every time (PlanCache:FlowHeadMaxAge 0) and on one that keeps it.
        var reading = await StatementsPerStartAsync("--PlanCache:FlowHeadMaxAge=00:00:00");
        var keeping = await StatementsPerStartAsync();
        output.WriteLine($"store statements per start: {reading:0.##} reading the flow, {keeping:0.##} with its head kept");

        // The margin is for background statements (heartbeats, gauges) that fall into one window and not the other.
        Assert.True(keeping <= reading - 0.8, $"A start took {keeping:0.##} store statements with the flow's head kept, {reading:0.##} reading the flow.");
    }

    [Fact]
    public async Task Start_AfterASave_StartsTheNewVersion()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());
        Assert.Equal(1, await StartedVersionAsync(client, flowId));

        (await client.PutAsJsonAsync($"/api/flows/{flowId}", Flows.Diamond("diamond, second version"))).EnsureSuccessStatusCode();

        Assert.Equal(2, await StartedVersionAsync(client, flowId));
    }

    [Fact]
    public async Task Start_AnotherOwnersFlowKeptByItsOwnersStart_NotFound()
    {
        await using var server = await TestServer.StartAsync();
        using var owner = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(owner, Flows.Diamond());
        await StartedVersionAsync(owner, flowId);

        var response = await stranger.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Start_AfterTheFlowWasDeleted_NotFound()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());
        await StartedVersionAsync(client, flowId);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/flows/{flowId}")).StatusCode);

        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<double> StatementsPerStartAsync(params string[] settings)
    {
        await using var server = await TestServer.StartAsync(settings);
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());
        // The first start fills the caches (flow, plan, token) that the counted ones find.
        await StartAsync(client, flowId);

        using var statements = new StoreStatementCount();
        for (var i = 0; i < Runs; i++)
        {
            await StartAsync(client, flowId);
        }

        return (double)statements.Value / Runs;
    }

    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> StartAsync(HttpClient client, Guid flowId)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { customer = "c-1" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
    }

    private static async Task<int> StartedVersionAsync(HttpClient client, Guid flowId)
    {
        var runId = await StartAsync(client, flowId);
        return (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["flowVersion"]!.GetValue<int>();
    }
}
