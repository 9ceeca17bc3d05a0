using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>
/// Writes racing from two stores on one database, as two processes would: each store has its own connections,
/// so only the database's locks and the guarded statements keep the state right.
/// </summary>
public abstract class ConcurrencyCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private const int Rounds = 40;

    [Fact]
    public async Task CompleteNodeAsync_JoinParentsFromTwoProcessesAtOnce_ReadiesJoinExactlyOnceEveryTime()
    {
        var (first, second) = (Database.OpenAnother(), Database.OpenAnother());
        for (var round = 0; round < Rounds; round++)
        {
            var plan = TestPlans.Diamond(Guid.NewGuid());
            var creation = await CreateRunAsync(plan);
            var toA = await RunNodeAsync(plan, creation.Messages[0]);
            var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
            var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
            var c = await ClaimAsync(MessageTo(toBc, "c"), plan);

            var results = await AtOnceAsync(() => SucceedOnAsync(first, plan, b), () => SucceedOnAsync(second, plan, c));

            Assert.All(results, r => Assert.True(r.Applied));
            var toD = Assert.Single(results.SelectMany(r => r.Messages));
            Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, creation.RunId, "d", 1, plan.FlowId, 1), toD.Message);
            Assert.Single(results.SelectMany(r => r.Changes), ch => ch.NodeId == "d");
            var run = await GetRunAsync(creation.RunId);
            Assert.Equal(NodeStatus.Ready, NodeOf(run, "d").Status);
            Assert.Single(await Store.ReadPendingAsync(10_000, CancellationToken.None), m => m.Message.RunId == creation.RunId && m.Message.NodeId == "d");
            var d = await ClaimAsync(toD, plan);
            Assert.Equal(RunStatus.Succeeded, (await SucceedAsync(plan, d)).RunFinished);
        }
    }

    [Fact]
    public async Task TryClaimAsync_SameMessageFromTwoProcessesAtOnce_ExactlyOneWinsEveryTime()
    {
        var (first, second) = (Database.OpenAnother(), Database.OpenAnother());
        var plan = TestPlans.Diamond(Guid.NewGuid());
        for (var round = 0; round < Rounds; round++)
        {
            var creation = await CreateRunAsync(plan);
            var message = creation.Messages[0].Message;

            var claims = await AtOnceAsync(() => ClaimOnAsync(first, plan, message), () => ClaimOnAsync(second, plan, message));

            var winner = Assert.Single(claims, c => c is not null);
            Assert.Equal(1, winner!.Attempt);
            Assert.True(winner.RunStarted);
            var trigger = NodeOf(await GetRunAsync(creation.RunId), "trigger");
            Assert.Equal(NodeStatus.Running, trigger.Status);
            Assert.Equal(1, trigger.Attempt);
        }
    }

    [Fact]
    public async Task CreateRunAsync_SameKeyFromTwoProcessesAtOnce_CreatesOneRunEveryTime()
    {
        var (first, second) = (Database.OpenAnother(), Database.OpenAnother());
        var plan = TestPlans.Diamond(Guid.NewGuid());
        for (var round = 0; round < Rounds; round++)
        {
            var key = $"order-{round}";

            var creations = await AtOnceAsync(() => CreateOnAsync(first, plan, key), () => CreateOnAsync(second, plan, key));

            var created = Assert.Single(creations, c => c.Created);
            Assert.All(creations, c => Assert.Equal(created.RunId, c.RunId));
            Assert.Single(created.Messages);
        }

        var runs = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(100, null), CancellationToken.None);
        Assert.Equal(Rounds, runs.Items.Count);
        Assert.Equal(Rounds, (await Store.ReadPendingAsync(1000, CancellationToken.None)).Count);
    }

    /// <summary>Starts both operations as close together as two threads allow.</summary>
    private static async Task<T[]> AtOnceAsync<T>(Func<Task<T>> one, Func<Task<T>> other)
    {
        using var ready = new Barrier(2);
        return await Task.WhenAll(
            Task.Run(() =>
            {
                ready.SignalAndWait();
                return one();
            }),
            Task.Run(() =>
            {
                ready.SignalAndWait();
                return other();
            }));
    }

    private static Task<CompletionResult> SucceedOnAsync(ISqlStorage store, ExecutionPlan plan, ClaimedNode claim) =>
        store.CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Succeeded, """{"ok":true}""", null, [TestPlans.Main], T0),
            plan,
            CancellationToken.None);

    private static Task<ClaimedNode?> ClaimOnAsync(ISqlStorage store, ExecutionPlan plan, WorkMessage message) =>
        store.TryClaimAsync(message, plan[message.NodeId].Dependencies, Worker, T0, T0 + Lease, CancellationToken.None);

    private Task<RunCreation> CreateOnAsync(ISqlStorage store, ExecutionPlan plan, string key) =>
        store.CreateRunAsync(
            new NewRun(Guid.CreateVersion7(), Owner, plan.FlowId, plan.Version, "{}", key, T0), plan, CancellationToken.None);
}
