using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>
/// Claims that share a batch of the server writer run as one set: each is answered as it would be alone (claimed, or null
/// for a stale message, a node not Ready, a cancelled run), and the set costs a fixed number of statements however many
/// claims it holds. The claims go to a store of their own with one writer, held busy while they queue, so that which
/// claims share a batch is decided by the test, not by timing.
/// </summary>
public abstract class ClaimSetCompliance(ServerStorageProvider provider) : HeldWriterCompliance(provider)
{
    /// <summary>Round trips that claim a set of Ready nodes and read their runs' inputs and their dependencies' outputs.</summary>
    protected abstract int RoundTripsPerSet { get; }

    /// <summary>Round trips of a set that claims the triggers of <paramref name="claims"/> Pending runs (no dependencies to read).</summary>
    protected abstract int RoundTripsToClaimTriggers(int claims);

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(40)]
    public async Task TryClaimAsync_ManyReadyNodesInOneBatch_ClaimedInAFixedNumberOfStatements(int claims)
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var messages = new List<WorkMessage>();
        for (var i = 0; i < claims; i++)
        {
            var creation = await CreateRunAsync(plan, input: $$"""{"run":{{i}}}""");
            messages.Add(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a").Message);
        }

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var (roundTrips, batched) = (writer.RoundTrips, writer.BatchedOperations);

        var queued = messages.Select(m => Claim(store, m, plan)).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);
        var claimed = await Task.WhenAll(queued).WaitAsync(Patience);

        for (var i = 0; i < claims; i++)
        {
            var claim = Assert.IsType<ClaimedNode>(claimed[i]);
            Assert.Equal((messages[i].RunId, "a", messages[i].Version + 1, 1), (claim.RunId, claim.NodeId, claim.Version, claim.Attempt));
            Assert.Equal(i, claim.RunInput!.Value.GetProperty("run").GetInt32());
            Assert.True(claim.DependencyOutputs["trigger"]!.Value.GetProperty("ok").GetBoolean());
            Assert.Equal([TestPlans.Main], claim.DependencyPorts["trigger"]);
            Assert.Equal(Owner, claim.OwnerId);
        }

        // The holder's transaction (its COMMIT, and BEGIN where that is a round trip of its own), then the set's: on
        // PostgreSQL the claims, one read of the runs' inputs and one of the dependencies' outputs; on MySQL all of it in
        // one text (four round trips before); COMMIT (and BEGIN). One claim at a time cost three statements each on
        // PostgreSQL and four on MySQL.
        var transaction = store.Executor.Dialect.BeginIsRoundTrip ? 2 : 1;
        Assert.Equal(claims, writer.BatchedOperations - batched);
        Assert.Equal(transaction + RoundTripsPerSet + transaction, writer.RoundTrips - roundTrips);
        foreach (var claim in claimed)
        {
            Assert.Equal(Engine.Runs.NodeStatus.Running, NodeOf(await GetRunAsync(claim!.RunId), "a").Status);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task TryClaimAsync_TriggersOfPendingRunsInOneBatch_EachRunStartedWithItsClaim(int claims)
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var messages = new List<WorkMessage>();
        for (var i = 0; i < claims; i++)
        {
            messages.Add((await CreateRunAsync(plan, input: $$"""{"run":{{i}}}""")).Messages[0].Message);
        }

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var roundTrips = writer.RoundTrips;

        var queued = messages.Select(m => Claim(store, m, plan)).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);
        var claimed = await Task.WhenAll(queued).WaitAsync(Patience);

        for (var i = 0; i < claims; i++)
        {
            var claim = Assert.IsType<ClaimedNode>(claimed[i]);
            Assert.Equal((messages[i].RunId, "trigger", 1), (claim.RunId, claim.NodeId, claim.Attempt));
            Assert.True(claim.RunStarted);
            Assert.Equal(i, claim.RunInput!.Value.GetProperty("run").GetInt32());
            var run = await GetRunAsync(claim.RunId);
            Assert.Equal((Engine.Runs.RunStatus.Running, (DateTimeOffset?)T0), (run.Status, run.StartedAt));
        }

        // On MySQL the runs are started in the claims' text (one more statement per run before); on PostgreSQL each run
        // started is a statement of its own.
        var transaction = store.Executor.Dialect.BeginIsRoundTrip ? 2 : 1;
        Assert.Equal(transaction + RoundTripsToClaimTriggers(claims) + transaction, writer.RoundTrips - roundTrips);
    }

    [Fact]
    public async Task TryClaimAsync_MixedBatch_EachClaimAnsweredAsItWouldBeAlone()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        async Task<(Guid RunId, WorkMessage ToA)> RunWithAReadyAsync()
        {
            var creation = await CreateRunAsync(plan);
            return (creation.RunId, MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a").Message);
        }

        var good = await RunWithAReadyAsync();
        var alsoGood = await RunWithAReadyAsync();
        var stale = await RunWithAReadyAsync();
        var notReady = await RunWithAReadyAsync();
        var cancelled = await RunWithAReadyAsync();
        var leaseRunOut = await RunWithAReadyAsync();
        var pending = await CreateRunAsync(plan);
        Assert.NotNull(await Store.CancelRunAsync(cancelled.RunId, Owner, T0, CancellationToken.None));
        var firstHolder = await ClaimAsync(leaseRunOut.ToA, plan);
        var later = T0 + Lease + TimeSpan.FromSeconds(1);

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var (batched, isolated) = (writer.BatchedOperations, writer.IsolatedRounds);

        var queued = new[]
        {
            Claim(store, good.ToA, plan),
            Claim(store, stale.ToA with { Version = stale.ToA.Version - 1 }, plan),
            Claim(store, MessageFor(plan, notReady.RunId, "d", notReady.ToA.Version), plan),
            Claim(store, cancelled.ToA, plan),
            Claim(store, MessageFor(plan, leaseRunOut.RunId, "a", firstHolder.Version), plan, later),
            Claim(store, pending.Messages[0].Message, plan),
            Claim(store, alsoGood.ToA, plan),
            Claim(store, good.ToA, plan),
        };
        release.SetResult();
        await holder.WaitAsync(Patience);
        var answers = await Task.WhenAll(queued).WaitAsync(Patience);

        Assert.Equal(queued.Length, writer.BatchedOperations - batched);
        Assert.Equal(isolated, writer.IsolatedRounds);
        Assert.Equal((good.RunId, good.ToA.Version + 1, 1), (answers[0]!.RunId, answers[0]!.Version, answers[0]!.Attempt));
        Assert.Null(answers[1]);
        Assert.Null(answers[2]);
        Assert.Null(answers[3]);
        var takeover = Assert.IsType<ClaimedNode>(answers[4]);
        Assert.Equal((firstHolder.Version + 1, 2, 1), (takeover.Version, takeover.Attempt, takeover.Interruptions));
        Assert.Equal("trigger", Assert.Single(takeover.DependencyOutputs).Key);
        var trigger = Assert.IsType<ClaimedNode>(answers[5]);
        Assert.True(trigger.RunStarted);
        Assert.Empty(trigger.DependencyOutputs);
        Assert.Equal(1, trigger.RunInput!.Value.GetProperty("in").GetInt32());
        Assert.Equal((alsoGood.RunId, alsoGood.ToA.Version + 1), (answers[6]!.RunId, answers[6]!.Version));

        // The same message twice in one batch is claimed once, as two claims one after the other would be.
        Assert.Null(answers[7]);
        Assert.Equal(Engine.Runs.NodeStatus.Running, NodeOf(await GetRunAsync(good.RunId), "a").Status);
        Assert.Equal(Engine.Runs.RunStatus.Running, (await GetRunAsync(pending.RunId)).Status);
    }

    [Fact]
    public async Task TryClaimAsync_BatchWithAFailingOperation_RunsAgainIsolatedAndClaimsStillAnswered()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var messages = new List<WorkMessage>();
        for (var i = 0; i < 3; i++)
        {
            var creation = await CreateRunAsync(plan);
            messages.Add(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a").Message);
        }

        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var isolated = writer.IsolatedRounds;

        var claims = messages.Select(m => Claim(store, m, plan)).ToList();
        var failing = writer.WriteAsync<int, int>(static (_, _, _) => throw new InvalidOperationException("fails alone"), 0, CancellationToken.None);
        release.SetResult();
        await holder.WaitAsync(Patience);

        Assert.Equal("fails alone", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Patience))).Message);
        var claimed = await Task.WhenAll(claims).WaitAsync(Patience);
        Assert.Equal(isolated + 1, writer.IsolatedRounds);
        Assert.All(claimed.Zip(messages), c => Assert.Equal(c.Second.Version + 1, c.First!.Version));
        Assert.All(claimed, c => Assert.Equal("trigger", Assert.Single(c!.DependencyOutputs).Key));
    }

    private static Task<ClaimedNode?> Claim(SqlStorage store, WorkMessage message, ExecutionPlan plan, DateTimeOffset? at = null) =>
        ((IRunStore)store).TryClaimAsync(message, plan[message.NodeId].Dependencies, Worker, at ?? T0, (at ?? T0) + Lease, CancellationToken.None);
}
