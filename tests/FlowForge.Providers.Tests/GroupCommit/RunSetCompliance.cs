using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>
/// New runs that share a batch of the server writer: each is written and answered as it would be alone (its rows, its
/// input, its outbox rows and their ids; an idempotency key used before answers the run that holds it), and on MySQL the
/// runs of one shape cost one round trip together. The runs go to a store of their own with one writer, held busy while
/// they queue, so that which runs share a batch is decided by the test, not by timing.
/// </summary>
public abstract class RunSetCompliance(ServerStorageProvider provider) : HeldWriterCompliance(provider)
{
    /// <summary>Round trips that write <paramref name="runs"/> new runs of one shape queued in one batch.</summary>
    protected abstract int RoundTripsFor(int runs);

    /// <summary>Round trips that write <paramref name="shapes"/> shapes of <paramref name="runs"/> new runs each, all queued in one batch.</summary>
    protected virtual int RoundTripsFor(int runs, int shapes) => shapes * RoundTripsFor(runs);

    /// <summary>
    /// Whether a set that meets an idempotency key used before (or twice in the set) is undone and its batch written again
    /// run by run (MySQL's plain inserts), rather than writing the set's other runs and answering that one (PostgreSQL).
    /// </summary>
    protected virtual bool UsedKeyRunsTheBatchAgain => RoundTripsFor(7) < 7;

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(40)]
    public async Task CreateRunAsync_ManyRunsInOneBatch_EachWrittenInAFixedNumberOfRoundTrips(int runs)
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var (roundTrips, batched) = (writer.RoundTrips, writer.BatchedOperations);

        var queued = Enumerable.Range(0, runs).Select(i => Create(store, plan, $$"""{"run":{{i}}}""")).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);
        var created = await Task.WhenAll(queued).WaitAsync(Patience);

        // The holder's transaction (its COMMIT, and BEGIN where that is a round trip of its own), then the runs' writes and
        // their COMMIT (and BEGIN). Alone, each run's write is one round trip.
        var transaction = store.Executor.Dialect.BeginIsRoundTrip ? 2 : 1;
        Assert.Equal(RoundTripsFor(runs) < runs ? runs : 0, writer.BatchedOperations - batched);
        Assert.Equal(transaction + RoundTripsFor(runs) + transaction, writer.RoundTrips - roundTrips);
        await AssertWrittenAsync(store, plan, created, i => $$"""{"run":{{i}}}""");
    }

    [Fact]
    public async Task CreateRunAsync_TwoShapesInOneBatch_EachRunAsAlone()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var roundTrips = writer.RoundTrips;

        // Even runs are written with their trigger completed (its attempt, the message to its child), odd ones Pending.
        var queued = Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? Create(store, plan, $$"""{"run":{{i}}}""", triggerOutput: $$"""{"out":{{i}}}""")
            : Create(store, plan, $$"""{"run":{{i}}}""")).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);
        var created = await Task.WhenAll(queued).WaitAsync(Patience);

        var transaction = store.Executor.Dialect.BeginIsRoundTrip ? 2 : 1;
        Assert.Equal(transaction + RoundTripsFor(6, shapes: 2) + transaction, writer.RoundTrips - roundTrips);
        for (var i = 0; i < created.Length; i++)
        {
            var creation = created[i];
            Assert.True(creation.Created);
            var message = Assert.Single(creation.Messages).Message;
            var run = await GetRunAsync(creation.RunId);
            if (i % 2 == 0)
            {
                Assert.True(creation.TriggerCompleted);
                Assert.Equal((WorkKind.ExecuteNode, "a"), (message.Kind, message.NodeId));
                Assert.Equal(RunStatus.Running, run.Status);
                Assert.Equal(NodeStatus.Succeeded, NodeOf(run, "trigger").Status);
                Assert.Equal(NodeStatus.Ready, NodeOf(run, "a").Status);
                Assert.Equal($$"""{"out":{{i}}}""", NodeOf(run, "trigger").OutputJson!.Replace(" ", "", StringComparison.Ordinal));
            }
            else
            {
                Assert.False(creation.TriggerCompleted);
                Assert.Equal((WorkKind.StartFlow, "trigger"), (message.Kind, message.NodeId));
                Assert.Equal(RunStatus.Pending, run.Status);
                Assert.Equal(NodeStatus.Ready, NodeOf(run, "trigger").Status);
            }
        }

        await AssertOutboxAsync(store, created);
    }

    [Fact]
    public async Task CreateRunAsync_BatchWithAnIdempotencyKeyTwice_TheSecondAnswersTheFirstsRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var before = await CreateRunAsync(plan, idempotencyKey: "used-before");
        var store = Open();
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var isolated = writer.IsolatedRounds;

        var first = Create(store, plan, """{"run":0}""", "twice");
        var others = Enumerable.Range(1, 4).Select(i => Create(store, plan, $$"""{"run":{{i}}}""")).ToList();
        var second = Create(store, plan, """{"run":5}""", "twice");
        var usedBefore = Create(store, plan, """{"run":6}""", "used-before");
        release.SetResult();
        await holder.WaitAsync(Patience);

        var firstRun = await first.WaitAsync(Patience);
        var secondRun = await second.WaitAsync(Patience);
        var againRun = await usedBefore.WaitAsync(Patience);
        Assert.True(firstRun.Created);
        Assert.False(secondRun.Created);
        Assert.Equal(firstRun.RunId, secondRun.RunId);
        Assert.False(againRun.Created);
        Assert.Equal(before.RunId, againRun.RunId);
        var created = await Task.WhenAll(others).WaitAsync(Patience);
        Assert.All(created, c => Assert.True(c.Created));
        await AssertWrittenAsync(store, plan, created, i => $$"""{"run":{{i + 1}}}""");
        Assert.Equal("""{"run":0}""", (await GetRunAsync(firstRun.RunId)).InputJson.Replace(" ", "", StringComparison.Ordinal));

        // On MySQL the set's insert met the keys and nothing of it was kept: the batch ran again, each run alone. On
        // PostgreSQL the set skipped the two runs whose key was taken and each was answered by one read.
        Assert.Equal(isolated + (UsedKeyRunsTheBatchAgain ? 1 : 0), writer.IsolatedRounds);
    }

    protected Task<RunCreation> Create(SqlStorage store, ExecutionPlan plan, string input, string? idempotencyKey = null, string? triggerOutput = null) =>
        ((IRunStore)store).CreateRunAsync(
            new NewRun(Guid.CreateVersion7(), Owner, plan.FlowId, plan.Version, input, idempotencyKey, T0) { TriggerOutputJson = triggerOutput, TriggerAttemptInput = triggerOutput },
            plan,
            CancellationToken.None);

    private async Task AssertWrittenAsync(SqlStorage store, ExecutionPlan plan, RunCreation[] created, Func<int, string> input)
    {
        for (var i = 0; i < created.Length; i++)
        {
            var creation = created[i];
            Assert.True(creation.Created);
            var message = Assert.Single(creation.Messages).Message;
            Assert.Equal((WorkKind.StartFlow, creation.RunId, "trigger", 1L, plan.FlowId), (message.Kind, message.RunId, message.NodeId, message.Version, message.FlowId));
            var run = await GetRunAsync(creation.RunId);
            Assert.Equal((RunStatus.Pending, input(i)), (run.Status, run.InputJson.Replace(" ", "", StringComparison.Ordinal)));
            Assert.Equal(plan.Nodes.Count, run.Nodes.Count);
            Assert.Equal(NodeStatus.Ready, NodeOf(run, "trigger").Status);
            Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Equal(NodeStatus.Pending, n.Status));
        }

        await AssertOutboxAsync(store, created);
    }

    // Every message's outbox id is the id of the row that holds that message.
    private static async Task AssertOutboxAsync(SqlStorage store, RunCreation[] created)
    {
        var pending = (await ((IOutboxStore)store).ReadPendingAsync(10_000, CancellationToken.None)).ToDictionary(m => m.OutboxId);
        foreach (var message in created.SelectMany(c => c.Messages))
        {
            Assert.NotEqual(OutboxMessage.NotStored, message.OutboxId);
            var row = pending[message.OutboxId].Message;
            Assert.Equal((message.Message.Kind, message.Message.RunId, message.Message.NodeId, message.Message.Version), (row.Kind, row.RunId, row.NodeId, row.Version));
        }
    }
}
