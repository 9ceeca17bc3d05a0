using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace FlowForge.Server.Tests.Processes;

/// <summary>Live updates and waiting callers reach any API process, whichever process started or executed the run.</summary>
[Collection(ScaledOutCollection.Name)]
public sealed class ScaledOutLiveUpdatesTests
{
    [Fact]
    public async Task RunStartedOnOneApi_IsWatchedLiveAndAwaitedOnTheOther()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var cluster = await ScaledOutCluster.StartAsync("postgres", database.ConnectionString, workers: 1, apis: 2);
        using var first = await cluster.CreateUserClientAsync(api: 0);
        using var second = new HttpClient { BaseAddress = cluster.Apis[1].Address };
        second.DefaultRequestHeaders.Authorization = first.DefaultRequestHeaders.Authorization;
        var flow = (await (await first.PostAsJsonAsync("/api/flows", Flows.Chain("pause", ("wait", "core.wait", new JsonObject { ["ms"] = 1500 }), ("done", "core.noop", null)))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Apis[1].Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(first.DefaultRequestHeaders.Authorization?.Parameter);
            })
            .Build();
        var finished = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonObject>("run", e =>
        {
            if (e["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled")
            {
                finished.TrySetResult(e["status"]!.GetValue<string>());
            }
        });
        await hub.StartAsync();

        var runId = (await (await first.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await hub.InvokeAsync<string>("Watch", runId);

        Assert.Equal("Succeeded", await finished.Task.WaitAsync(TimeSpan.FromSeconds(30)));

        // Prefer: wait on the second API process for a run executed by the worker.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flow}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=20");
        var waited = await second.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal("Succeeded", (await waited.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }
}
