using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Runs;
using FlowForge.Scaling.Redis;
using FlowForge.Storage.Sql;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlowForge.Tests.Runs;

/// <summary>
/// Two workers (two engine hosts) on one PostgreSQL database with their rate limits in Redis: a connection's budget is
/// one for both, and a flood through it runs at its rate, once each, in the order the slots were booked.
/// </summary>
[Collection(PacingCollection.Name)]
[Trait(PacingCollection.Trait, PacingCollection.Name)]
public sealed class SharedRateLimitWorkerTests
{
    [Fact]
    public async Task Flood_HundredRunsOnTwoWorkersSharingRedis_RunAtTheConnectionsRateOnceEachInSlotOrder()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        var redisOptions = new RedisOptions { ConnectionString = TestServices.Redis, KeyPrefix = $"test-{Guid.NewGuid():N}:" };
        var storage = new SqlStorageOptions { Provider = "postgres", ConnectionString = database.ConnectionString };
        var store = new MemoryConnectionStore();
        var recorder = new BookingRecorder();
        var journal = new ScriptJournal();
        var connection = store.AddLimited("ten a second", new RateLimitPolicy(1, 10));
        await using var first = await StartWorkerAsync(storage, redis, redisOptions, store, recorder, journal);
        await using var second = await StartWorkerAsync(storage, redis, redisOptions, store, recorder, journal);
        var flowId = await first.CreateFlowAsync(new FlowBuilder("paced")
            // A trigger a worker runs (it does not pass the input on at the start): each start goes through the queue
            // before its paced node, which then books its slot as the starts are taken, not all at once as they are written.
            .Node("trigger", "test.event")
            .Node("call", "test.pacedCall", new JsonObject { ["connectionId"] = connection.ToString() })
            .Edge("trigger", "call")
            .ToJson());

        var runs = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? first : second).StartRunAsync(flowId, trigger: "trigger")));
        foreach (var runId in runs)
        {
            var run = await first.WaitForRunAsync(runId, TimeSpan.FromSeconds(30));
            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "call").Attempt);
        }

        var executions = journal.Executions;
        Assert.InRange(SlotOrder.Span(executions), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(14));
        Assert.Equal(100, executions.Count);
        Assert.Equal(100, executions.Select(e => e.RunId).Distinct().Count());
        Assert.Equal(100, recorder.Bookings.Count);
        // All but the first wait for a slot; on a slow machine a booking that arrives after its slot's time runs at once.
        Assert.InRange(recorder.Bookings.Count(b => b.Slot.DeferUntil is not null), 90, 99);
        SlotOrder.AssertRanInSlotOrder(recorder, executions);
    }

    private static Task<EngineHarness> StartWorkerAsync(
        SqlStorageOptions storage, IConnectionMultiplexer redis, RedisOptions redisOptions, MemoryConnectionStore store, BookingRecorder recorder, ScriptJournal journal) =>
        // Children through the queue: run right after its trigger, each paced node would book its slot while the other
        // starts of the flood still wait in the queue, and the slots released meanwhile would queue behind them.
        EngineHarness.StartAsync(storage: storage, configure: o => o.LocalChainSteps = 0, services: services =>
        {
            services.AddSingleton<IRateLimiter>(new RedisRateLimiter(redis, redisOptions));
            services.AddSingleton<IConnectionStore>(store);
            services.AddSingleton(journal);
            services.AddSingleton<NodeRateGate>();
            services.AddSingleton(sp => recorder.Wrap(sp.GetRequiredService<NodeRateGate>(), sp.GetRequiredService<TimeProvider>()));
        });
}
