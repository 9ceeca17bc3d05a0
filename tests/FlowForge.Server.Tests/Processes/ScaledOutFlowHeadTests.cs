using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Processes;

/// <summary>
/// Each api process keeps a flow's head (owner, newest version) for its starts; a save on one process drops it on the
/// others through Redis, well before PlanCache:FlowHeadMaxAge would.
/// </summary>
[Collection(ScaledOutCollection.Name)]
public sealed class ScaledOutFlowHeadTests
{
    [Fact]
    public async Task SaveOnOneApi_StartOnTheOther_RunsTheNewVersion()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        // A head kept for a minute: only the invalidation through Redis can make the other process start version 2.
        await using var cluster = await ScaledOutCluster.StartAsync(
            "postgres", database.ConnectionString, workers: 0, apis: 2, "--PlanCache:FlowHeadMaxAge=00:01:00");
        using var saving = await cluster.CreateUserClientAsync(api: 0);
        using var starting = new HttpClient { BaseAddress = cluster.Apis[1].Address };
        starting.DefaultRequestHeaders.Authorization = saving.DefaultRequestHeaders.Authorization;
        var created = await saving.PostAsJsonAsync("/api/flows", Flows.Diamond());
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        Assert.Equal(1, await StartedVersionAsync(starting, flowId));
        Assert.Equal(1, await StartedVersionAsync(starting, flowId));

        (await saving.PutAsJsonAsync($"/api/flows/{flowId}", Flows.Diamond("diamond, second version"))).EnsureSuccessStatusCode();

        // Redis has passed the message on before the save answers; the other process reads it on its own thread.
        await Eventually.TrueAsync(async () => await StartedVersionAsync(starting, flowId) == 2, "a start on the other api to run version 2", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.NoContent, (await saving.DeleteAsync($"/api/flows/{flowId}")).StatusCode);
        await Eventually.TrueAsync(
            async () => (await starting.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } })).StatusCode == HttpStatusCode.NotFound,
            "a start on the other api to find the deleted flow gone", TimeSpan.FromSeconds(10));
    }

    private static async Task<int> StartedVersionAsync(HttpClient client, Guid flowId)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { customer = "c-1" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        return (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["flowVersion"]!.GetValue<int>();
    }
}
