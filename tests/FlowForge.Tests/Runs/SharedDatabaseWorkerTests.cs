using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>Two workers (two engine hosts) on one server database: a message delivered to both at once executes once.</summary>
public sealed class SharedDatabaseWorkerTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task HandleAsync_SameMessageOnTwoWorkersAtOnce_ExecutesOnce(string store)
    {
        await using var database = await TestDatabase.CreateAsync(store);
        var storage = new SqlStorageOptions { Provider = store, ConnectionString = database.ConnectionString };
        // The test delivers each node's message to both workers itself: one node per message.
        await using var first = await EngineHarness.StartAsync(storage: storage, start: false, configure: o => o.LocalChainSteps = 0);
        await using var second = await EngineHarness.StartAsync(storage: storage, start: false, configure: o => o.LocalChainSteps = 0);
        var flowId = await first.CreateFlowAsync(new FlowBuilder("one")
            .Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());
        var executors = new[] { first, second }.Select(h => h.Services.GetRequiredService<NodeExecutor>()).ToArray();
        var outbox = first.Services.GetRequiredService<IOutboxStore>();

        for (var i = 0; i < 20; i++)
        {
            var runId = Guid.CreateVersion7();
            await first.Services.GetRequiredService<RunCoordinator>().StartAsync(new StartRun(runId, EngineHarness.Owner, flowId, null, null), CancellationToken.None);
            var start = (await outbox.ReadPendingAsync(1_000, CancellationToken.None)).Select(m => m.Message).Single(m => m.RunId == runId);
            await Task.WhenAll(executors.Select(e => e.HandleAsync(start, CancellationToken.None)));
            var work = (await outbox.ReadPendingAsync(1_000, CancellationToken.None)).Select(m => m.Message).Single(m => m.RunId == runId && m.NodeId == "work");

            await Task.WhenAll(executors.Select(e => e.HandleAsync(work, CancellationToken.None)));

            Assert.Single(first.Journal.For(runId, "work").Concat(second.Journal.For(runId, "work")));
            var run = await first.GetRunAsync(runId);
            Assert.Equal(RunStatus.Succeeded, run!.Status);
            Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "work").Attempt);
        }
    }
}
