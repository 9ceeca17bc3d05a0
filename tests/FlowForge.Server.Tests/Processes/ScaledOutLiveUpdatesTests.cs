using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace FlowForge.Server.Tests.Processes;

/// <summary>Live updates and waiting callers reach any API process, whichever process started or executed the run.</summary>
[Collection(ScaledOutCollection.Name)]
public sealed class ScaledOutLiveUpdatesTests(ITestOutputHelper output)
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

    [Fact]
    public async Task RunEvents_OnlyWatchedRunsGoThroughRedis_PublishesPerFlowCounted()
    {
        var prefix = $"ff-{Guid.NewGuid():N}:";
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var cluster = await ScaledOutCluster.StartAsync("postgres", database.ConnectionString, workers: 1, apis: 1, $"--Cache:KeyPrefix={prefix}");
        using var client = await cluster.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        // What crosses Redis, counted on the channels themselves (a connection of the test's own).
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var watches = 0;
        (await redis.GetSubscriber().SubscribeAsync(StackExchange.Redis.RedisChannel.Literal(prefix + "runs:events"))).OnMessage(m => events.Enqueue((string)m.Message!));
        (await redis.GetSubscriber().SubscribeAsync(StackExchange.Redis.RedisChannel.Literal(prefix + "runs:watches"))).OnMessage(_ => Interlocked.Increment(ref watches));

        const int Unwatched = 10;
        var unwatched = new List<Guid>();
        for (var i = 0; i < Unwatched; i++)
        {
            unwatched.Add((await (await client.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
        }

        foreach (var run in unwatched)
        {
            await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{run}"))!["status"]!.GetValue<string>() == "Succeeded", $"run {run} to finish");
        }

        // A caller waiting for its run: the run's status changes travel, its node events do not.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flow}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=20");
        var waited = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, waited.StatusCode);
        var waitedRun = (await waited.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        // A browser watching a run: everything of that run travels.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Api.Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(client.DefaultRequestHeaders.Authorization?.Parameter);
            })
            .Build();
        var nodeEvents = 0;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonObject>("node", _ => Interlocked.Increment(ref nodeEvents));
        hub.On<JsonObject>("run", e =>
        {
            if (e["status"]!.GetValue<string>() == "Succeeded")
            {
                finished.TrySetResult();
            }
        });
        await hub.StartAsync();
        var pause = (await (await client.PostAsJsonAsync("/api/flows", Flows.Chain("pause", ("wait", "core.wait", new JsonObject { ["ms"] = 1000 }), ("done", "core.noop", null)))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var watchedRun = (await (await client.PostAsJsonAsync($"/api/flows/{pause}/runs", new { })).Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await hub.InvokeAsync<string>("Watch", watchedRun);
        await Eventually.WithinAsync(finished.Task, "the watched run's end on the hub", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => events.Any(e => e.Contains(watchedRun.ToString(), StringComparison.Ordinal) && e.Contains("Succeeded", StringComparison.Ordinal)), "the watched run's end on Redis");

        int PublishesOf(Guid run) => events.Count(e => e.Contains(run.ToString(), StringComparison.Ordinal));
        var perUnwatched = unwatched.Sum(PublishesOf) / (double)Unwatched;
        output.WriteLine($"Redis PUBLISH on the events channel per diamond flow: nobody watching {perUnwatched}, Prefer: wait {PublishesOf(waitedRun)}, hub watching (two-node chain) {PublishesOf(watchedRun)}; watch announcements {Volatile.Read(ref watches)}");

        Assert.Equal(0, perUnwatched);
        Assert.InRange(PublishesOf(waitedRun), 1, 3);
        Assert.DoesNotContain(events, e => e.Contains(waitedRun.ToString(), StringComparison.Ordinal) && e.Contains("\"node\"", StringComparison.Ordinal));
        Assert.True(PublishesOf(watchedRun) >= 3, $"the watched run sent {PublishesOf(watchedRun)} events");
        Assert.True(Volatile.Read(ref nodeEvents) >= 1, "node events reach the watching browser");
    }
}
