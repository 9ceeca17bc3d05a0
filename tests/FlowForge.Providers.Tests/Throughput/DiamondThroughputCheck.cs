using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;
using Xunit.Abstractions;

namespace FlowForge.Providers.Tests.Throughput;

/// <summary>
/// Drives diamond flows (trigger → a → {b, c} → d) through the SQLite store the way the engine does:
/// create, then claim and complete every node as its message arrives, acknowledging outbox messages in
/// batches. Durability as in production (WAL, synchronous=FULL). Reports flows per second.
/// </summary>
[Trait("Category", "Manual")]
public sealed class DiamondThroughputCheck(ITestOutputHelper output)
{
    private const int Flows = 30_000;
    private const int FlowsInFlight = 512;

    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [ManualFact]
    public async Task DiamondFlows_ThroughTheStore_Sustain()
    {
        await using var database = await new SqliteStorageProvider().CreateDatabaseAsync(TimeProvider.System);
        var store = database.Storage;
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var owner = Guid.NewGuid();
        var acks = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
        var acknowledger = AcknowledgeInBatchesAsync(store, acks.Reader);
        var succeeded = 0;
        var next = -1;
        var batchesBefore = ((SqliteExecutor)store.Executor).Writer.CommittedBatches;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, FlowsInFlight).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < Flows)
            {
                var creation = await store.CreateRunAsync(
                    new NewRun(Guid.CreateVersion7(), owner, plan.FlowId, 1, """{"order":42}""", null, T0), plan, CancellationToken.None);
                Acknowledge(acks.Writer, creation.Messages);
                if (await ExecuteAsync(store, plan, creation.Messages[0].Message, acks.Writer))
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
        })));
        clock.Stop();
        acks.Writer.Complete();
        await acknowledger;

        var batches = ((SqliteExecutor)store.Executor).Writer.CommittedBatches - batchesBefore;
        var flowsPerSecond = Flows / clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Flows} diamond flows in {clock.Elapsed.TotalSeconds:F2} s: {flowsPerSecond:F0} flows/s, " +
            $"{batches} commits ({Flows * 11.0 / batches:F1} claims/completions/creates per commit), {Environment.ProcessorCount} cores"));
        Assert.Equal(Flows, succeeded);
        Assert.Empty(await store.ReadPendingAsync(10, CancellationToken.None));
    }

    /// <summary>Claims and completes one node, then its children (b and c at once); true when this ended the run.</summary>
    private static async Task<bool> ExecuteAsync(SqlStorage store, ExecutionPlan plan, WorkMessage message, ChannelWriter<long> acks)
    {
        var claim = await store.TryClaimAsync(message, plan[message.NodeId].Dependencies, T0, T0.AddMinutes(2), CancellationToken.None)
            ?? throw new InvalidOperationException($"Claim of {message.NodeId} failed.");
        var result = await store.CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Succeeded, """{"ok":true}""", null, [TestPlans.Main], T0),
            plan,
            CancellationToken.None);
        Acknowledge(acks, result.Messages);
        var finished = result.RunFinished == RunStatus.Succeeded;
        switch (result.Messages.Count)
        {
            case 0:
                return finished;
            case 1:
                return await ExecuteAsync(store, plan, result.Messages[0].Message, acks) || finished;
            default:
                var children = await Task.WhenAll(result.Messages.Select(m => ExecuteAsync(store, plan, m.Message, acks)));
                return children.Any(f => f) || finished;
        }
    }

    private static void Acknowledge(ChannelWriter<long> acks, IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            acks.TryWrite(message.OutboxId);
        }
    }

    // As the engine does once the queue accepted messages: one acknowledgement per batch of ids.
    private static async Task AcknowledgeInBatchesAsync(SqlStorage store, ChannelReader<long> ids)
    {
        var batch = new List<long>(1_000);
        while (await ids.WaitToReadAsync())
        {
            while (batch.Count < 1_000 && ids.TryRead(out var id))
            {
                batch.Add(id);
            }

            await store.AcknowledgeAsync(batch, CancellationToken.None);
            batch = new List<long>(1_000);
        }
    }
}
