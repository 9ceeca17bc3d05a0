using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>
/// Region writes (a worker's pure region: the claimed node and the nodes it ran in memory after it) that share a batch of
/// the server writer: each is written and answered as it would be alone (every node finished with its attempt, the run's
/// end; a stale one writes nothing; one whose run ended meanwhile goes one completion after another), and on MySQL and
/// PostgreSQL the regions cost a fixed number of round trips together. The writes go to a store of their own with one
/// writer, held busy while they queue, so that which regions share a batch is decided by the test, not by timing.
/// </summary>
public abstract class RegionSetCompliance(ServerStorageProvider provider) : HeldWriterCompliance(provider)
{
    /// <summary>Round trips that write <paramref name="regions"/> diamond regions (trigger, a, b, c, d) queued in one batch.</summary>
    protected abstract int RoundTripsFor(int regions);

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(40)]
    public async Task CompleteNodeAsync_ManyRegionsInOneBatch_EachWrittenInAFixedNumberOfRoundTrips(int regions)
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var triggers = new List<ClaimedNode>();
        for (var i = 0; i < regions; i++)
        {
            triggers.Add(await ClaimAsync((await CreateRunAsync(plan)).Messages[0], plan));
        }

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var roundTrips = writer.RoundTrips;

        var queued = triggers.Select(t => Region(store, plan, t, "a", "b", "c", "d")).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);
        var results = await Task.WhenAll(queued).WaitAsync(Patience);

        // The holder's transaction (its COMMIT, and BEGIN where that is a round trip of its own), then the regions' writes
        // and their COMMIT (and BEGIN). Alone, a region costs two round trips on MySQL and one on PostgreSQL; together, on
        // PostgreSQL two for all of them.
        var transaction = store.Executor.Dialect.BeginIsRoundTrip ? 2 : 1;
        Assert.Equal(transaction + RoundTripsFor(regions) + transaction, writer.RoundTrips - roundTrips);
        for (var i = 0; i < regions; i++)
        {
            await AssertWrittenAsync(results[i], triggers[i], ["trigger", "a", "b", "c", "d"]);
        }
    }

    [Fact]
    public async Task CompleteNodeAsync_BatchOfStaleEndedAndTwoShapes_EachAnsweredAsAlone()
    {
        var diamond = TestPlans.Diamond(Guid.NewGuid());
        var linear = TestPlans.Linear(Guid.NewGuid(), 3);
        var diamonds = new List<ClaimedNode>();
        var lines = new List<ClaimedNode>();
        for (var i = 0; i < 5; i++)
        {
            diamonds.Add(await ClaimAsync((await CreateRunAsync(diamond)).Messages[0], diamond));
        }

        for (var i = 0; i < 3; i++)
        {
            lines.Add(await ClaimAsync((await CreateRunAsync(linear)).Messages[0], linear));
        }

        var stale = await ClaimAsync((await CreateRunAsync(diamond)).Messages[0], diamond);
        var cancelled = await ClaimAsync((await CreateRunAsync(diamond)).Messages[0], diamond);
        await ((IRunStore)Store).CancelRunAsync(cancelled.RunId, null, T0.AddSeconds(1), CancellationToken.None);

        // A region with an edge out of it (c and d left to the queue) and a second region of a run already in the batch.
        var partial = await ClaimAsync((await CreateRunAsync(diamond)).Messages[0], diamond);

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var batched = writer.BatchedOperations;

        var queuedDiamonds = diamonds.Select(t => Region(store, diamond, t, "a", "b", "c", "d")).ToList();
        var queuedLines = lines.Select(t => Region(store, linear, t, "n1", "n2", "n3")).ToList();
        var queuedStale = Region(store, diamond, stale with { Version = stale.Version - 1 }, "a", "b", "c", "d");
        var queuedCancelled = Region(store, diamond, cancelled, "a", "b", "c", "d");
        var queuedPartial = Region(store, diamond, partial, "a", "b");
        var queuedAgain = Region(store, diamond, diamonds[0], "a", "b", "c", "d");
        release.SetResult();
        await holder.WaitAsync(Patience);

        var written = await Task.WhenAll(queuedDiamonds).WaitAsync(Patience);
        var writtenLines = await Task.WhenAll(queuedLines).WaitAsync(Patience);
        Assert.Equal(store.Executor.Dialect.WritesRegionSets || store.Executor.Dialect.WritesRegionArrays ? 12 : 0, writer.BatchedOperations - batched);
        for (var i = 0; i < diamonds.Count; i++)
        {
            await AssertWrittenAsync(written[i], diamonds[i], ["trigger", "a", "b", "c", "d"]);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            await AssertWrittenAsync(writtenLines[i], lines[i], ["trigger", "n1", "n2", "n3"]);
        }

        // Stale: nothing written.
        Assert.False((await queuedStale.WaitAsync(Patience)).Applied);
        var staleRun = await GetRunAsync(stale.RunId);
        Assert.Equal((RunStatus.Running, NodeStatus.Running), (staleRun.Status, NodeOf(staleRun, "trigger").Status));
        Assert.All(["a", "b", "c", "d"], id => Assert.Equal(NodeStatus.Pending, NodeOf(staleRun, id).Status));

        // The run was cancelled: the trigger's completion is written, the chain stops at a.
        var ended = await queuedCancelled.WaitAsync(Patience);
        Assert.True(ended.Applied);
        Assert.True(ended.ChainBroken);
        var cancelledRun = await GetRunAsync(cancelled.RunId);
        Assert.Equal((RunStatus.Cancelled, NodeStatus.Succeeded), (cancelledRun.Status, NodeOf(cancelledRun, "trigger").Status));
        Assert.Equal(NodeStatus.Cancelled, NodeOf(cancelledRun, "a").Status);

        // The partial region: a and b written, c made Ready with its message, d left Pending.
        var part = await queuedPartial.WaitAsync(Patience);
        Assert.True(part.Applied);
        Assert.Equal("c", Assert.Single(part.Messages).Message.NodeId);
        var partialRun = await GetRunAsync(partial.RunId);
        Assert.All(["trigger", "a", "b"], id => Assert.Equal(NodeStatus.Succeeded, NodeOf(partialRun, id).Status));
        Assert.Equal((NodeStatus.Ready, NodeStatus.Pending, RunStatus.Running), (NodeOf(partialRun, "c").Status, NodeOf(partialRun, "d").Status, partialRun.Status));

        // The same region twice: the second finds its first node finished by the first.
        Assert.False((await queuedAgain.WaitAsync(Patience)).Applied);
    }

    // The region from the trigger's claim, the nodes after it in the order given, each with the output {"<id>":1}.
    private static Task<CompletionResult> Region(SqlStorage store, ExecutionPlan plan, ClaimedNode trigger, params string[] after)
    {
        var at = T0.AddSeconds(3);
        NodeCompletion Step(string id) => new(trigger.RunId, id, 0, NodeStatus.Succeeded, $$"""{"{{id}}":1}""", null, [TestPlans.Main], at)
        {
            Attempt = 1,
            AttemptStartedAt = at,
            InputJson = """{"in":1}""",
            ClaimChild = new ChainClaim(Worker, at + Lease),
        };
        return ((IRunStore)store).CompleteNodeAsync(
            Step(after[^1]) with
            {
                ClaimChild = null,
                Preceding = [Step(trigger.NodeId) with { Version = trigger.Version, Attempt = trigger.Attempt }, .. after[..^1].Select(Step)],
            },
            plan,
            CancellationToken.None);
    }

    private async Task AssertWrittenAsync(CompletionResult result, ClaimedNode trigger, string[] nodes)
    {
        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        Assert.Empty(result.Messages);
        Assert.Equal(RunStatus.Succeeded, result.RunFinished);
        Assert.Equal(nodes.Order(StringComparer.Ordinal), result.Changes.Select(static c => c.NodeId).Order(StringComparer.Ordinal));
        Assert.All(result.Changes, static c => Assert.Equal(NodeStatus.Succeeded, c.Status));
        var run = await GetRunAsync(trigger.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotNull(run.FinishedAt);
        foreach (var id in nodes)
        {
            var node = NodeOf(run, id);
            Assert.Equal((NodeStatus.Succeeded, 1), (node.Status, node.Attempt));
            Assert.Equal($$"""{"{{id}}":1}""", node.OutputJson!.Replace(" ", "", StringComparison.Ordinal));
            Assert.Equal(NodeStatus.Succeeded, Assert.Single(node.Attempts).Status);
        }
    }
}
