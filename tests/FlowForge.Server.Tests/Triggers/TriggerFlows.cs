using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Server.Tests.Triggers;

/// <summary>Saving, activating and reading flows with webhook and schedule triggers through the API.</summary>
internal static class TriggerFlows
{
    public static async Task<Guid> CreateAsync(HttpClient client, string json)
    {
        var created = await client.PostAsync("/api/flows", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonObject> ActivateAsync(HttpClient client, Guid flowId)
    {
        var activated = await client.PostAsync($"/api/flows/{flowId}/activate", null);
        Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
        return (await activated.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Creates and activates a flow; returns its id and the URL of its webhook node <paramref name="nodeId"/>.</summary>
    public static async Task<(Guid FlowId, Uri Url)> CreateActiveWebhookAsync(HttpClient client, string json, string nodeId = "hook")
    {
        var flowId = await CreateAsync(client, json);
        var activation = await ActivateAsync(client, flowId);
        var url = activation["webhooks"]!.AsArray().Single(w => w!["nodeId"]!.GetValue<string>() == nodeId)!["url"]!.GetValue<string>();
        return (flowId, new Uri(url));
    }

    public static async Task<JsonObject> RunAsync(HttpClient client, Guid runId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!;

    public static async Task<JsonObject> FinishedRunAsync(HttpClient client, Guid runId) =>
        await Eventually.MatchesAsync(
            () => RunAsync(client, runId),
            r => r["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled",
            $"run {runId} to finish");

    public static async Task<JsonArray> RunsOfAsync(HttpClient client, Guid flowId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs?limit=100"))!["items"]!.AsArray();
}
