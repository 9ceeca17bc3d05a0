using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>
/// Nodes acting on a provider through a connection are paced by the engine: over the connection's or the provider's
/// limit they wait for a booked slot on a durable timer, in the order they asked, without failing or counting an attempt;
/// a provider's 429 defers them the same way.
/// </summary>
[Collection(PacingCollection.Name)]
[Trait(PacingCollection.Trait, PacingCollection.Name)]
public sealed class ConnectionRateLimitTests
{
    [Fact]
    public async Task Flood_HundredRunsThroughATenPerSecondConnection_EachRunsOnceInStartOrderOverTenSeconds()
    {
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        var connection = store.AddLimited("ten a second", new RateLimitPolicy(1, 10));
        await using var harness = await StartAsync(store, recorder);
        var flowId = await harness.CreateFlowAsync(Flow(connection));

        var runs = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            runs.Add(await harness.StartRunAsync(flowId));

            // One after another: the next run starts once this one's node has its slot.
            var booked = i + 1;
            await Eventually.TrueAsync(() => recorder.Bookings.Count == booked, $"the node of run {booked} to book its slot");
        }

        foreach (var runId in runs)
        {
            var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(30));
            Assert.Equal(RunStatus.Succeeded, run.Status);
            var call = run.Nodes.Single(n => n.NodeId == "call");
            Assert.Equal(1, call.Attempt);
            Assert.Equal(NodeStatus.Succeeded, Assert.Single(call.Attempts).Status);
        }

        var executions = harness.Journal.Executions;
        Assert.InRange(SlotOrder.Span(executions), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(14));
        Assert.Equal(100, executions.Count);
        Assert.All(executions, e => Assert.Equal(1, e.Attempt));
        Assert.Equal(runs, recorder.Bookings.Select(b => b.RunId));
        SlotOrder.AssertRanInSlotOrder(recorder, executions);
        // All but the first wait for a slot; on a slow machine a booking that arrives after its slot's time runs at once.
        Assert.InRange(recorder.Bookings.Count(b => b.Slot.DeferUntil is not null), 90, 99);
    }

    [Fact]
    public async Task Restart_NodesDeferredToTheirSlots_RunOnceEachInOrderWithoutBookingAgain()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-test-").FullName;
        try
        {
            var store = new MemoryConnectionStore();
            var recorder = new BookingRecorder();
            var journal = new ScriptJournal();
            var connection = store.AddLimited("one a second", new RateLimitPolicy(1, 1));
            var runs = new List<Guid>();
            await using (var first = await StartAsync(store, recorder, journal, directory))
            {
                var flowId = await first.CreateFlowAsync(Flow(connection));
                for (var i = 0; i < 5; i++)
                {
                    runs.Add(await first.StartRunAsync(flowId));
                    var booked = i + 1;
                    await Eventually.TrueAsync(() => recorder.Bookings.Count == booked, $"the node of run {booked} to book its slot");
                }
            }

            Assert.Single(journal.Executions);
            await using var second = await StartAsync(store, recorder, journal, directory);
            foreach (var runId in runs)
            {
                var run = await second.WaitForRunAsync(runId, TimeSpan.FromSeconds(20));
                Assert.Equal(RunStatus.Succeeded, run.Status);
                Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "call").Attempt);
            }

            SlotOrder.AssertRanInSlotOrder(recorder, journal.Executions);
            Assert.Equal(5, recorder.Bookings.Count);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task Deferred_RunView_SaysRateLimitedUntilItsSlotAndKeepsTheAttempt()
    {
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        var connection = store.AddLimited("slow", new RateLimitPolicy(1, 0.5));
        await using var harness = await StartAsync(store, recorder);
        var flowId = await harness.CreateFlowAsync(Flow(connection));
        var firstRun = await harness.StartRunAsync(flowId);
        await Eventually.TrueAsync(() => recorder.Bookings.Count == 1, "the first node to book its slot");

        var secondRun = await harness.StartRunAsync(flowId);
        var waiting = await Eventually.MatchesAsync(
            async () => (await harness.GetRunAsync(secondRun))?.Nodes.SingleOrDefault(n => n.NodeId == "call"),
            n => n?.WaitReason is not null,
            "the second node to wait on the rate limit");

        Assert.Equal(NodeStatus.Running, waiting!.Status);
        Assert.StartsWith("Rate limited until ", waiting.WaitReason, StringComparison.Ordinal);
        Assert.Equal(recorder.Bookings[1].SlotAt, waiting.WaitUntil!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Empty(waiting.Attempts);
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(firstRun)).Status);
        var done = (await harness.WaitForRunAsync(secondRun)).Nodes.Single(n => n.NodeId == "call");
        Assert.Null(done.WaitReason);
        Assert.Equal(1, done.Attempt);
        Assert.Single(done.Attempts);
        Assert.True(harness.Journal.Only(secondRun, "call").Started >= waiting.WaitUntil);
    }

    [Fact]
    public async Task ProviderBudget_FromConfiguration_PacesNodesOfThatProvider()
    {
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        var connection = store.AddLimited("unlimited", null);
        await using var harness = await StartAsync(store, recorder, limits: o => o.Providers["test"] = new ProviderRateLimit { PerSecond = 4, Burst = 2 });
        var flowId = await harness.CreateFlowAsync(Flow(connection));

        var runs = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add(await harness.StartRunAsync(flowId));
        }

        foreach (var runId in runs)
        {
            Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runId)).Status);
        }

        // Two at once, then one every 250 ms: the sixth a second after the first.
        var started = harness.Journal.Executions.Select(e => e.Started).Order().ToList();
        Assert.InRange(started[^1] - started[0], TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(1.6));
        Assert.Equal(2, recorder.Bookings.Count(b => b.Slot.IsNow));
    }

    [Fact]
    public async Task SlotBeyondMaxDeferral_NodeFailsNamingTheConnectionAndTheSetting()
    {
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        // One call every 4 s, deferrals up to 6 s: the second run's slot (4 s away) is kept, the third's (8 s after the
        // first booking) is refused as long as it books within 2 s of the first.
        var connection = store.AddLimited("Slow CRM", new RateLimitPolicy(1, 0.25));
        await using var harness = await StartAsync(store, recorder, limits: o => o.MaxDeferral = TimeSpan.FromSeconds(6));
        var flowId = await harness.CreateFlowAsync(Flow(connection));

        var runs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await harness.StartRunAsync(flowId));
            var booked = i + 1;
            await Eventually.TrueAsync(() => recorder.Bookings.Count == booked, $"the node of run {booked} to ask for its slot");
        }

        var refused = await harness.WaitForRunAsync(runs[2]);
        Assert.Equal(RunStatus.Failed, refused.Status);
        var node = refused.Nodes.Single(n => n.NodeId == "call");
        Assert.Contains("connection 'Slow CRM'", node.Error, StringComparison.Ordinal);
        Assert.Contains("RateLimits:MaxDeferral", node.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Journal.For(runs[2], "call"));
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runs[0])).Status);
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runs[1])).Status);
    }

    [Fact]
    public async Task ProviderAnswers429WithRetryAfter_NodeRunsAgainAfterItAsTheSameAttemptWithoutAFailure()
    {
        var calls = 0;
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", (HttpContext http) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                http.Response.Headers.RetryAfter = "2";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            return Results.Ok("done");
        }));
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        var connection = store.AddLimited("unlimited", null);
        await using var harness = await StartAsync(store, recorder);
        var flowId = await harness.CreateFlowAsync(Flow(connection, server.Address));

        var runId = await harness.StartRunAsync(flowId);
        var waiting = await Eventually.MatchesAsync(
            async () => (await harness.GetRunAsync(runId))?.Nodes.SingleOrDefault(n => n.NodeId == "call"),
            n => n?.WaitReason is not null,
            "the node to wait after the 429");
        var run = await harness.WaitForRunAsync(runId);

        Assert.Contains("429", waiting!.WaitReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var node = run.Nodes.Single(n => n.NodeId == "call");
        Assert.Equal(1, node.Attempt);
        Assert.Null(node.Error);
        Assert.Equal(NodeStatus.Succeeded, Assert.Single(node.Attempts).Status);
        var executions = harness.Journal.For(runId, "call");
        Assert.Equal(["throttled", "succeeded"], executions.Select(e => e.Outcome));
        Assert.All(executions, e => Assert.Equal(1, e.Attempt));
        Assert.True(executions[1].Started - executions[0].Ended >= TimeSpan.FromSeconds(2), $"ran again {executions[1].Started - executions[0].Ended} after the 429");
        Assert.Equal(2, calls);
        Assert.Equal(2, recorder.Bookings.Count);
    }

    [Fact]
    public async Task ProviderRefusesMoreThanMaxProviderDeferrals_TheNextRefusalIsAFailedAttempt()
    {
        var calls = 0;
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", (HttpContext http) =>
        {
            Interlocked.Increment(ref calls);
            http.Response.Headers.RetryAfter = "0";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }));
        var store = new MemoryConnectionStore();
        var connection = store.AddLimited("unlimited", null);
        await using var harness = await StartAsync(store, new BookingRecorder(), limits: o =>
        {
            o.MaxProviderDeferrals = 2;
            o.DefaultProviderRetryAfter = TimeSpan.FromMilliseconds(50);
        });
        var flowId = await harness.CreateFlowAsync(Flow(connection, server.Address));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        var node = run.Nodes.Single(n => n.NodeId == "call");
        Assert.Contains("429", node.Error, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Failed, Assert.Single(node.Attempts).Status);
        Assert.Equal(3, calls);
    }

    private static string Flow(Guid connectionId, Uri? url = null)
    {
        var config = new JsonObject { ["connectionId"] = connectionId.ToString() };
        if (url is not null)
        {
            config["url"] = url.ToString();
        }

        return new FlowBuilder("paced")
            .Node("trigger", "trigger.manual")
            .Node("call", "test.pacedCall", config)
            .Edge("trigger", "call")
            .ToJson();
    }

    private static Task<EngineHarness> StartAsync(
        MemoryConnectionStore store, BookingRecorder recorder, ScriptJournal? journal = null, string? directory = null, Action<ConnectionRateLimitOptions>? limits = null) =>
        EngineHarness.StartAsync(directory, services: services =>
        {
            services.AddSingleton<IConnectionStore>(store);
            services.AddSingleton<NodeRateGate>();
            services.AddSingleton(sp => recorder.Wrap(sp.GetRequiredService<NodeRateGate>(), sp.GetRequiredService<TimeProvider>()));
            if (journal is not null)
            {
                services.AddSingleton(journal);
            }

            if (limits is not null)
            {
                services.Configure(limits);
            }
        });
}
