using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_AfterRuns_ExposeRunAndNodeCountersForPrometheus()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flow}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=10");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var metrics = await server.CreateClient().GetStringAsync("/metrics");

        Assert.Contains("flowforge_runs_started", metrics, StringComparison.Ordinal);
        Assert.Contains("flowforge_runs_finished", metrics, StringComparison.Ordinal);
        Assert.Contains("status=\"Succeeded\"", metrics, StringComparison.Ordinal);
        Assert.Contains("flowforge_node_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("node_type=\"core.noop\"", metrics, StringComparison.Ordinal);
        Assert.Contains("flowforge_queue_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("flowforge_outbox_pending", metrics, StringComparison.Ordinal);
        // The diamond's nodes run before the run's write and are written with it: nothing goes through the queue.
        Assert.Contains("flowforge_start_pure_nodes", metrics, StringComparison.Ordinal);
        // The runtime's meter: allocated bytes and CPU time are what the cost per flow in docs/benchmarks.md is read from.
        Assert.Contains("dotnet_gc_heap_total_allocated_bytes", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traceparent_FromTriggerRequest_ParentsTheRunAndEveryNodeSpan()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flow}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var ours = spans.Where(s => s.TraceId == traceId).ToList();
        Assert.Single(ours, s => s.DisplayName.StartsWith("run ", StringComparison.Ordinal));
        var nodes = ours.Where(s => s.DisplayName.StartsWith("node ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, nodes.Count);
        Assert.All(nodes, s => Assert.Equal(runId, (Guid)s.GetTagItem("flowforge.run_id")!));
    }

    [Fact]
    public async Task Logs_OfANodeExecution_CarryRunAndNodeIds()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(b => b.Logging.AddProvider(logs));
        using var client = await server.CreateUserClientAsync();
        var flow = (await (await client.PostAsJsonAsync("/api/flows", Flows.Chain("fails", ("boom", "core.error", new JsonObject { ["message"] = "out of stock" })))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flow}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=10");

        var run = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!;

        var entry = Assert.Single(logs.Entries, e => e.Message.StartsWith("Node boom (core.error)", StringComparison.Ordinal));
        Assert.Equal(run["id"]!.GetValue<Guid>(), (Guid)entry.Scope["RunId"]!);
        Assert.Equal("boom", entry.Scope["NodeId"]);
        Assert.Equal("core.error", entry.Scope["NodeType"]);
    }
}
