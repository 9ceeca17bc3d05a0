using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Bench;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Processes;

/// <summary>
/// A worker process goes quiet on SIGTSTP (no new work from the broker, the process stays up) and consumes again on
/// SIGCONT; its /metrics show the consumers it holds.
/// </summary>
[Collection(ScaledOutCollection.Name)]
public sealed class ScaledOutWorkerQuietTests
{
    private static readonly string[] NotFinished = ["Pending", "Running"];

    [Fact]
    public async Task Worker_Tstp_TakesNoNewWorkUntilCont()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var cluster = await ScaledOutCluster.StartAsync("postgres", database.ConnectionString, workers: 1);
        var worker = cluster.Worker(0)!;
        using var client = await cluster.CreateUserClientAsync();
        using var metrics = new HttpClient { BaseAddress = worker.Address };
        // A node that is not pure: only a worker runs it.
        var created = await client.PostAsJsonAsync("/api/flows", Flows.Chain("pause", ("wait", "core.wait", new JsonObject { ["ms"] = 50 }), ("done", "core.noop", null)));
        created.EnsureSuccessStatusCode();
        var flow = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var first = await StartAsync(client, flow);
        await Eventually.TrueAsync(async () => await StatusAsync(client, first) == "Succeeded", "a run finished by the consuming worker", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await ConsumersAsync(metrics));

        await QuietAlternation.SignalAsync(worker.Id, "TSTP");
        await Eventually.TrueAsync(async () => await ConsumersAsync(metrics) == 0, "the quiet worker's consumers cancelled", TimeSpan.FromSeconds(10));
        var waiting = await StartAsync(client, flow);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Contains(await StatusAsync(client, waiting), NotFinished);
        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/health/live")).StatusCode);

        await QuietAlternation.SignalAsync(worker.Id, "CONT");
        await Eventually.TrueAsync(async () => await StatusAsync(client, waiting) == "Succeeded", "the waiting run finished once the worker consumed again", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await ConsumersAsync(metrics));
    }

    private static async Task<Guid> StartAsync(HttpClient client, Guid flow)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flow}/runs", new { input = new { } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
    }

    private static async Task<string> StatusAsync(HttpClient client, Guid run) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{run}"))!["status"]!.GetValue<string>();

    private static async Task<long> ConsumersAsync(HttpClient metrics)
    {
        var consumers = QuietAlternation.ConsumersIn(await metrics.GetStringAsync("/metrics"));
        Assert.NotNull(consumers);
        return consumers.Value;
    }
}
