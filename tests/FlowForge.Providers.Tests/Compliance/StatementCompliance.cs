using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>
/// Operations that group rows into fewer statements: what they write and read is the same whatever the group sizes, and
/// on a server database (where each statement is a round trip) the number of statements is what the grouping promises.
/// </summary>
public abstract class StatementCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    public async Task CreateRunAsync_ManyPendingNodes_EveryNodeWrittenPendingWithItsOrdinal(int parents)
    {
        var plan = TestPlans.FanIn(Guid.NewGuid(), parents);

        var creation = await CreateRunAsync(plan);

        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(plan.Nodes.Select(static n => n.Id), run.Nodes.Select(static n => n.NodeId));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "trigger").Status);
        Assert.All(run.Nodes.Where(static n => n.NodeId != "trigger"), n => Assert.Equal(NodeStatus.Pending, n.Status));
        Assert.Equal(RunStatus.Pending, run.Status);
    }

    [Fact]
    public async Task TryClaimAsync_JoinOfMoreParentsThanOneStatementReads_HandsEveryOutputInTheOrderOfItsDependencies()
    {
        const int parents = 19;
        var plan = TestPlans.FanIn(Guid.NewGuid(), parents);
        var creation = await CreateRunAsync(plan);
        var fanOut = await RunNodeAsync(plan, creation.Messages[0]);
        CompletionResult? last = null;

        // Completed in reverse, so the rows' order in the database is not the dependencies' order.
        foreach (var message in fanOut.Messages.OrderByDescending(static m => m.Message.NodeId, StringComparer.Ordinal))
        {
            var claim = await ClaimAsync(message, plan);
            last = await SucceedAsync(plan, claim, output: $$"""{"from":"{{claim.NodeId}}"}""");
        }

        var join = await ClaimAsync(MessageTo(last!, "join"), plan);

        Assert.Equal(plan["join"].Dependencies, join.DependencyOutputs.Keys);
        Assert.All(join.DependencyOutputs, o => Assert.Equal($$"""{"from":"{{o.Key}}"}""", o.Value!.Value.GetRawText()));
        Assert.Equal(plan["join"].Dependencies.Order(StringComparer.Ordinal), join.DependencyPorts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(parents, join.DependencyFinishedAt.Count);
    }

    [Fact]
    public async Task CreateRunAsync_ServerDatabase_InsertsThePendingNodesEightToAStatement()
    {
        if (WriterOf(Database.Storage) is not { } writer)
        {
            return;
        }

        // The same shape but for the number of nodes: 2 pending nodes take one statement, 17 take three (8 + 8 + 1).
        var small = await RoundTripsOfAsync(writer, () => CreateRunAsync(TestPlans.FanIn(Guid.NewGuid(), 1)));
        var large = await RoundTripsOfAsync(writer, () => CreateRunAsync(TestPlans.FanIn(Guid.NewGuid(), 16)));

        Assert.Equal(2, large - small);
    }

    [Fact]
    public async Task TryClaimAsync_ServerDatabase_ReadsTheOutputsOfEightDependenciesInOneStatement()
    {
        if (WriterOf(Database.Storage) is not { } writer)
        {
            return;
        }

        var plan = TestPlans.FanIn(Guid.NewGuid(), 9);
        var creation = await CreateRunAsync(plan);
        var fanOut = await RunNodeAsync(plan, creation.Messages[0]);
        var messages = fanOut.Messages.OrderBy(static m => m.Message.NodeId, StringComparer.Ordinal).ToList();
        var first = await ClaimAsync(messages[0], plan);
        CompletionResult last = await SucceedAsync(plan, first);

        // A parent's claim reads one dependency; the join's reads nine, in two statements: one more than a parent's.
        long oneDependency = 0;
        foreach (var message in messages.Skip(1))
        {
            ClaimedNode? claim = null;
            oneDependency = await RoundTripsOfAsync(writer, async () => claim = await ClaimAsync(message, plan));
            last = await SucceedAsync(plan, claim!);
        }

        var nineDependencies = await RoundTripsOfAsync(writer, () => ClaimAsync(MessageTo(last, "join"), plan));

        Assert.Equal(oneDependency + 1, nineDependencies);
    }

    private static ServerGroupCommitWriter? WriterOf(SqlStorage store) => (store.Executor as PooledSqlExecutor)?.Writer;

    private static async Task<long> RoundTripsOfAsync<T>(ServerGroupCommitWriter writer, Func<Task<T>> operation)
    {
        var before = writer.RoundTrips;
        await operation();
        return writer.RoundTrips - before;
    }
}
