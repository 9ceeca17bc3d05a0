using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Processes;

/// <summary>
/// The scaled-out shape under faults, with real processes and real servers: a worker is SIGKILLed and restarted
/// and RabbitMQ is restarted while 1,000 diamond flows run. Every run must succeed, no node's success may be
/// recorded twice (the join and run counters would go below zero), and nothing may stay unfinished.
/// </summary>
[Collection(ScaledOutCollection.Name)]
public sealed class ScaledOutFaultTests
{
    private const int Runs = 1_000;

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task Diamonds_WorkerKilledAndBrokerRestarted_EveryRunSucceedsOnce(string store)
    {
        await using var database = await TestDatabase.CreateAsync(store);
        // A broker of its own: restarting the shared one would take it from the tests of other projects running meanwhile.
        await using var broker = await PrivateService.StartAsync("rabbitmq");
        await using var cluster = await ScaledOutCluster.StartOnBrokerAsync(broker.ConnectionString, store, database.ConnectionString, workers: 2);
        using var client = await cluster.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var accepted = 0;
        var faults = Task.CompletedTask;
        using var gate = new SemaphoreSlim(32);
        var starts = new List<Task>();
        for (var i = 0; i < Runs; i++)
        {
            await gate.WaitAsync();
            starts.Add(StartOneAsync(client, flow, gate, () => Interlocked.Increment(ref accepted)));
            if (i == Runs * 3 / 10)
            {
                cluster.KillWorker(0);
                faults = Task.Run(async () =>
                {
                    await Task.Delay(1_000);
                    await cluster.StartWorkerAsync(0);
                    await broker.StopAsync();
                    await broker.StartAgainAsync();
                });
            }
        }

        await Task.WhenAll(starts);
        var started = watch.Elapsed;
        await faults;
        var recovered = watch.Elapsed;
        Assert.Equal(Runs, accepted);

        // What a failure says: how long each phase took and where the runs and their nodes stand.
        async Task<string> StateAsync() =>
            $"starts accepted after {started.TotalSeconds:0.#} s, faults done after {recovered.TotalSeconds:0.#} s, now {watch.Elapsed.TotalSeconds:0.#} s; " +
            $"runs by status: {await database.RowsAsync("SELECT Status, COUNT(*) FROM Runs GROUP BY Status ORDER BY Status")}; " +
            $"nodes by status: {await database.RowsAsync("SELECT Status, COUNT(*) FROM NodeInstances GROUP BY Status ORDER BY Status")}; " +
            $"outbox rows: {await database.ScalarAsync("SELECT COUNT(*) FROM Outbox")}";

        var unfinished = await Eventually.MatchesAsync(
            () => database.ScalarAsync("SELECT COUNT(*) FROM Runs WHERE Status NOT IN ('Succeeded', 'Failed', 'Cancelled')"),
            count => count == 0,
            "every run to finish (count of unfinished runs)",
            TimeSpan.FromMinutes(3)).ContinueWith(waited => waited.Exception, TaskScheduler.Default);
        if (unfinished is not null)
        {
            Assert.Fail($"{unfinished.InnerException!.Message} {await StateAsync()}");
        }

        var state = await StateAsync();
        Assert.True(Runs == await database.ScalarAsync("SELECT COUNT(*) FROM Runs WHERE Status = 'Succeeded'"), state);
        Assert.True(Runs * 5 == await database.ScalarAsync("SELECT COUNT(*) FROM NodeInstances WHERE Status = 'Succeeded'"), state);
        Assert.True(0 == await database.ScalarAsync("SELECT COUNT(*) FROM Runs WHERE RemainingNodes <> 0"), state);
        Assert.True(0 == await database.ScalarAsync("SELECT COUNT(*) FROM NodeInstances WHERE PendingParents <> 0"), state);
        // Each diamond has 5 edges: every edge taken exactly once.
        Assert.True(Runs * 5 == await database.ScalarAsync("SELECT SUM(ActiveParents) FROM NodeInstances"), state);
    }

    private static async Task StartOneAsync(HttpClient client, Guid flow, SemaphoreSlim gate, Action accepted)
    {
        try
        {
            using var response = await client.PostAsJsonAsync($"/api/flows/{flow}/runs", new { input = new { } });
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Assert.Fail($"A start answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            accepted();
        }
        finally
        {
            gate.Release();
        }
    }
}
