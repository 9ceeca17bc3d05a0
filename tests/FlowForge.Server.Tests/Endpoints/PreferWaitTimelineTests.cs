using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Server.Tests.Testing;
using Xunit.Abstractions;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>
/// The timeline of one waited diamond from one client, from the request's span and the run's (the request in, the pure
/// nodes run, the writer's batch begun, the commit done, the caller resumed, the answer written), written to the test
/// output as medians over many requests. It asserts that every stage is there and in order; the times are for reading.
/// </summary>
[Collection(PreferWaitCollection.Name)]
public sealed class PreferWaitTimelineTests(ITestOutputHelper output)
{
    private const int Requests = 200;

    [Fact]
    public async Task Start_PreferWait_OneClient_TimelineHasEveryStageInOrder()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var created = await client.PostAsJsonAsync("/api/flows", Flows.Diamond());
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        for (var i = 0; i < 20; i++)
        {
            await StartAsync(client, flowId);
        }

        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is EngineTelemetry.Name or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var roundTrips = new List<double>(Requests);
        for (var i = 0; i < Requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await StartAsync(client, flowId);
            roundTrips.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // The request's span stops once the response is written, a moment after the client may have read it.
        await Eventually.MatchesAsync(
            () => Task.FromResult(stopped.Count(a => a.Source.Name == "Microsoft.AspNetCore")),
            count => count >= Requests,
            $"{Requests} request spans to stop",
            TimeSpan.FromSeconds(10));
        var stages = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var timelines = 0;
        foreach (var trace in stopped.GroupBy(a => a.TraceId))
        {
            var request = trace.FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore");
            var run = trace.FirstOrDefault(a => a.Source.Name == EngineTelemetry.Name && a.OperationName.StartsWith("run ", StringComparison.Ordinal));
            if (request is null || run is null)
            {
                continue;
            }

            var origin = request.StartTimeUtc;
            double At(DateTime time) => (time - origin).TotalMilliseconds;
            var events = run.Events.ToDictionary(e => e.Name, e => At(e.Timestamp.UtcDateTime), StringComparer.Ordinal);
            var timeline = new (string Stage, double At)[]
            {
                ("run span started (request read, authenticated, flow and plan found)", At(run.StartTimeUtc)),
                ("pure nodes run (before the write)", events.GetValueOrDefault(RunCoordinator.PureStartRunEvent, double.NaN)),
                ("writer began the batch (write queued → writer awake)", events.GetValueOrDefault("flowforge.store.batch_begun", double.NaN)),
                ("batch committed (statements + fsync)", events.GetValueOrDefault("flowforge.store.committed", double.NaN)),
                ("caller resumed with the write", events.GetValueOrDefault(RunCoordinator.RunWrittenEvent, double.NaN)),
                ("run span ended (events told, messages handed on)", At(run.StartTimeUtc + run.Duration)),
                ("request span ended (answer serialised and written)", At(request.StartTimeUtc + request.Duration)),
            };

            for (var i = 0; i < timeline.Length; i++)
            {
                Assert.False(double.IsNaN(timeline[i].At), $"The stage '{timeline[i].Stage}' is missing from the run's span.");
                if (i > 0)
                {
                    Assert.True(timeline[i].At >= timeline[i - 1].At - 0.001, $"'{timeline[i].Stage}' came before '{timeline[i - 1].Stage}'.");
                }

                (stages.TryGetValue(timeline[i].Stage, out var list) ? list : stages[timeline[i].Stage] = []).Add(timeline[i].At);
            }

            timelines++;
        }

        Assert.True(timelines >= Requests, $"Only {timelines} of {Requests} requests had a request span and a run span.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"One client, {Requests} waited diamonds; median ms after the request's span started:"));
        foreach (var (stage, times) in stages)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Median(times),7:0.000}  {stage}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client round trip: p50 {Median(roundTrips):0.000} ms"));
    }

    private static async Task StartAsync(HttpClient client, Guid flowId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { customer = "c-1" } }) };
        request.Headers.Add("Prefer", "wait=20");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
