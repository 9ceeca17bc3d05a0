using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace FlowForge.Server.Tests.Realtime;

public sealed class RunsHubRetryTests
{
    [Fact]
    public async Task Watch_FailedRunRetried_ReceivesReopenedStatusesThenTheNewEnd()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("failing", ("boom", "core.error", new JsonObject { ["message"] = "stop here" }), ("after", "core.noop", null));
        var flowId = (await (await client.PostAsJsonAsync("/api/flows", flow)).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var runId = (await (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await Eventually.TrueAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["status"]!.GetValue<string>() == "Failed",
            "the run to fail");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(client.DefaultRequestHeaders.Authorization?.Parameter);
            })
            .Build();
        var seen = new ConcurrentQueue<(string Kind, string? NodeId, string Status)>();
        hub.On<JsonObject>("node", e => seen.Enqueue(("node", e["nodeId"]!.GetValue<string>(), e["status"]!.GetValue<string>())));
        hub.On<JsonObject>("run", e => seen.Enqueue(("run", null, e["status"]!.GetValue<string>())));
        await hub.StartAsync();
        Assert.Equal("Failed", await hub.InvokeAsync<string>("Watch", runId));

        (await client.PostAsync($"/api/runs/{runId}/retry", null)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => seen.Count(e => e.Kind == "run") >= 2, "the reopened run and its new end");
        var runs = seen.Where(e => e.Kind == "run").Select(e => e.Status).ToList();
        Assert.Equal(["Running", "Failed"], runs.Take(2));
        Assert.Contains(("node", "boom", "Ready"), seen);
        Assert.Contains(("node", "after", "Pending"), seen);
        Assert.Contains(("node", "boom", "Failed"), seen);
        Assert.DoesNotContain(seen, e => e.NodeId == "trigger");
    }
}
