using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace FlowForge.Server.Tests.Realtime;

public sealed class RunsHubTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Watch_OwnRun_ReceivesEveryNodeChangeAndTheEndOverWebSockets()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Chain("slow", ("pause", "core.wait", new JsonObject { ["ms"] = 2_000 }), ("done", "core.noop", null)))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        await using var hub = Connect(server, client);
        var nodes = new ConcurrentQueue<(string NodeId, string Status)>();
        var finished = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonObject>("node", e => nodes.Enqueue((e["nodeId"]!.GetValue<string>(), e["status"]!.GetValue<string>())));
        hub.On<JsonObject>("run", e =>
        {
            if (e["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled")
            {
                finished.TrySetResult(e["status"]!.GetValue<string>());
            }
        });
        await hub.StartAsync();
        Assert.Equal(HubConnectionState.Connected, hub.State);

        var runId = (await (await client.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        var status = await hub.InvokeAsync<string>("Watch", runId);

        Assert.True(status is "Pending" or "Running", $"status when watching began: {status}");
        Assert.Equal("Succeeded", await finished.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(("done", "Succeeded"), nodes);
        Assert.Contains(("pause", "Succeeded"), nodes);
    }

    [Fact]
    public async Task Watch_AnotherUsersRun_IsRefused()
    {
        var server = shared.Server;
        using var alice = await server.CreateUserClientAsync();
        using var bob = await server.CreateUserClientAsync();
        var flow = (await (await alice.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var runId = (await (await alice.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await using var hub = Connect(server, bob);
        await hub.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<string>("Watch", runId));

        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_AnotherUsersRun_DeliversNothingWhileItRuns()
    {
        var server = shared.Server;
        using var alice = await server.CreateUserClientAsync();
        using var bob = await server.CreateUserClientAsync();
        var slow = Flows.Chain("slow", ("pause", "core.wait", new JsonObject { ["ms"] = 500 }), ("done", "core.noop", null));
        var aliceFlow = (await (await alice.PostAsJsonAsync("/api/flows", slow)).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var bobFlow = (await (await bob.PostAsJsonAsync("/api/flows", slow.DeepClone())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        await using var aliceHub = Connect(server, alice);
        await using var bobHub = Connect(server, bob);
        var aliceFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bobFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seenByBob = new ConcurrentQueue<Guid>();
        aliceHub.On<JsonObject>("run", e => Finished(e, aliceFinished));
        bobHub.On<JsonObject>("node", e => seenByBob.Enqueue(e["runId"]!.GetValue<Guid>()));
        bobHub.On<JsonObject>("run", e =>
        {
            seenByBob.Enqueue(e["runId"]!.GetValue<Guid>());
            Finished(e, bobFinished);
        });
        await aliceHub.StartAsync();
        await bobHub.StartAsync();

        var aliceRun = (await (await alice.PostAsJsonAsync($"/api/flows/{aliceFlow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await aliceHub.InvokeAsync<string>("Watch", aliceRun);
        await Assert.ThrowsAsync<HubException>(() => bobHub.InvokeAsync<string>("Watch", aliceRun));
        await aliceFinished.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var bobRun = (await (await bob.PostAsJsonAsync($"/api/flows/{bobFlow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await bobHub.InvokeAsync<string>("Watch", bobRun);
        await bobFinished.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // Bob's own run started after Alice's had finished, and reached him on the same connection: anything sent to him
        // for Alice's run would have arrived first.
        Assert.Contains(bobRun, seenByBob);
        Assert.DoesNotContain(aliceRun, seenByBob);
    }

    [Fact]
    public async Task Connect_WithoutToken_IsRejected()
    {
        var server = shared.Server;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o => o.Transports = HttpTransportType.WebSockets)
            .Build();

        await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
    }

    private static void Finished(JsonObject runEvent, TaskCompletionSource finished)
    {
        if (runEvent["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled")
        {
            finished.TrySetResult();
        }
    }

    private static HubConnection Connect(TestServer server, HttpClient signedIn) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(signedIn.DefaultRequestHeaders.Authorization?.Parameter);
            })
            .Build();
}
