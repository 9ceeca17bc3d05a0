using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Sqlite;

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

    [Fact]
    public async Task CompleteNodeAsync_RegionOfTenNodes_TakesAsManyStatementsAsARegionOfThree()
    {
        var three = await LinearRegionAsync(3);
        var ten = await LinearRegionAsync(10);

        // One statement per kind for all the region's nodes, not one per node: a longer chain costs nothing more.
        Assert.Equal(three, ten);
    }

    [Fact]
    public async Task CompleteNodeAsync_DiamondRegion_TakesOneStatementMoreThanTheLastNodeAlone()
    {
        // The last node of a run completed alone: the run read, its finish, its attempt, the run's remaining count.
        var single = await StatementsOfAsync(async () =>
        {
            var plan = TestPlans.Linear(Guid.NewGuid(), 1);
            var trigger = await ClaimAsync((await CreateRunAsync(plan)).Messages[0], plan);
            var n1 = await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);
            return () => ((IRunStore)Store).CompleteNodeAsync(
                new NodeCompletion(n1.RunId, n1.NodeId, n1.Version, NodeStatus.Succeeded, "{}", null, [TestPlans.Main], T0) { Attempt = n1.Attempt },
                plan,
                CancellationToken.None);
        });

        // a, b, c and d: the same statements, each for all four rows, and the read of the rows the write checks.
        var diamond = await StatementsOfAsync(async () =>
        {
            var plan = TestPlans.Diamond(Guid.NewGuid());
            var creation = await CreateRunAsync(plan);
            var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);
            return () => RegionAsync(plan, a, ["a", "b", "c", "d"]);
        });

        Assert.Equal(single + 1, diamond);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public async Task CompleteNodeAsync_LinearRegion_WritesEveryNodeSucceededWithItsOutputAndOneAttempt(int nodes)
    {
        var plan = TestPlans.Linear(Guid.NewGuid(), nodes);
        var first = await LinearRunAtItsFirstNodeAsync(plan);

        var result = await RegionAsync(plan, first, [.. Enumerable.Range(1, nodes).Select(static i => $"n{i}")]);

        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        Assert.Equal(RunStatus.Succeeded, result.RunFinished);
        Assert.Equal(Enumerable.Range(1, nodes).Select(static i => new NodeStateChange($"n{i}", NodeStatus.Succeeded)), result.Changes);
        var run = await GetRunAsync(first.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(run.Nodes.Where(static n => n.NodeId != "trigger"), n =>
        {
            Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt));
            Assert.Equal($$"""{"{{n.NodeId}}":1}""", n.OutputJson);
            Assert.Equal(NodeStatus.Succeeded, Assert.Single(n.Attempts).Status);
        });
    }

    private Task<long> LinearRegionAsync(int nodes) => StatementsOfAsync(async () =>
    {
        var plan = TestPlans.Linear(Guid.NewGuid(), nodes);
        var first = await LinearRunAtItsFirstNodeAsync(plan);
        return () => RegionAsync(plan, first, [.. Enumerable.Range(1, nodes).Select(static i => $"n{i}")]);
    });

    private async Task<ClaimedNode> LinearRunAtItsFirstNodeAsync(ExecutionPlan plan)
    {
        var trigger = await ClaimAsync((await CreateRunAsync(plan)).Messages[0], plan);
        return await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);
    }

    // The nodes written as one pure region from the first one's claim, in the order given, each with the output {"<id>":1}.
    private Task<CompletionResult> RegionAsync(ExecutionPlan plan, ClaimedNode first, string[] order)
    {
        var at = T0.AddSeconds(3);
        NodeCompletion Step(string id, bool claimsNext) =>
            new NodeCompletion(first.RunId, id, 0, NodeStatus.Succeeded, $$"""{"{{id}}":1}""", null, [TestPlans.Main], at)
            {
                Attempt = 1,
                AttemptStartedAt = at,
                ClaimChild = claimsNext ? new ChainClaim(Worker, at + Lease) : null,
            };
        return ((IRunStore)Store).CompleteNodeAsync(
            Step(order[^1], claimsNext: false) with
            {
                Preceding = [Step(order[0], claimsNext: true) with { Version = first.Version, Attempt = first.Attempt }, .. order[1..^1].Select(id => Step(id, claimsNext: true))],
            },
            plan,
            CancellationToken.None);
    }

    // The statements of the write the set-up hands back, on every provider: what the SQLite writer's operations sent, or
    // the round trips of a server writer (the transaction's own included, the same for every write made alone).
    private async Task<long> StatementsOfAsync(Func<Task<Func<Task<CompletionResult>>>> setUp)
    {
        var write = await setUp();
        Func<long> statements = Database.Storage.Executor switch
        {
            SqliteExecutor sqlite => () => sqlite.Writer.Statements,
            PooledSqlExecutor { Writer: { } writer } => () => writer.RoundTrips,
            var other => throw new InvalidOperationException($"No statement count for {other.GetType().Name}."),
        };
        var before = statements();
        Assert.True((await write()).Applied);
        return statements() - before;
    }

    private static ServerGroupCommitWriter? WriterOf(SqlStorage store) => (store.Executor as PooledSqlExecutor)?.Writer;

    private static async Task<long> RoundTripsOfAsync<T>(ServerGroupCommitWriter writer, Func<Task<T>> operation)
    {
        var before = writer.RoundTrips;
        await operation();
        return writer.RoundTrips - before;
    }
}
