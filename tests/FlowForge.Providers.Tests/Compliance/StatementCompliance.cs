using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
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
    [InlineData(300)]
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
    public async Task CreateRunAsync_RunOfManyNodes_TakesAsManyStatementsAsARunOfTwo()
    {
        // Every node instance in one statement: 2 pending nodes and 41 cost the same (they took 1 and 6 statements).
        var small = await StatementsOfAsync(() => CreateRunAsync(TestPlans.FanIn(Guid.NewGuid(), 1)));
        var large = await StatementsOfAsync(() => CreateRunAsync(TestPlans.FanIn(Guid.NewGuid(), 40)));

        Assert.Equal(small, large);
    }

    [Theory]
    [InlineData("diamond")]
    [InlineData("linear-10")]
    [InlineData("fan-out-50")]
    public async Task CreateRunAsync_PureStart_TakesTheSameStatementsWhateverItsNodes(string shape)
    {
        var (plan, start) = PureStart(shape);

        var statements = await StatementsOfAsync(async () =>
        {
            var creation = await ((IRunStore)Store).CreateRunAsync(start(Guid.CreateVersion7()), plan, CancellationToken.None);
            Assert.Equal(RunStatus.Succeeded, creation.RunFinished);
        });

        // The run, its input, every node instance as it ends, every attempt (one statement for all four on PostgreSQL): a
        // diamond took 11, linear-10 12, fan-out-50 26.
        Assert.Equal((Database.Storage.Executor.Dialect is PostgresDialect or MySqlDialect ? 1 : 4) + TransactionStatements, statements);
    }

    [Fact]
    public async Task CreateRunAsync_TriggerDoneAndItsChildQueued_OneStatementOnAServerDatabase()
    {
        // A scaled-out run's write: the run, its input, its rows, the trigger's attempt and the child's outbox row with its
        // id (one statement on PostgreSQL; one round trip on MySQL, where it took five).
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var start = new NewRun(Guid.CreateVersion7(), Owner, plan.FlowId, plan.Version, """{"in":1}""", null, T0)
        {
            TriggerOutputJson = """{"in":1}""",
            TriggerAttemptInput = """{"in":1}""",
        };
        RunCreation? creation = null;

        var statements = await StatementsOfAsync(async () => creation = await ((IRunStore)Store).CreateRunAsync(start, plan, CancellationToken.None));

        var message = Assert.Single(creation!.Messages);
        Assert.Equal(("a", 1L), (message.Message.NodeId, message.Message.Version));
        var run = await GetRunAsync(start.Id);
        Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, "trigger").Status, Assert.Single(NodeOf(run, "trigger").Attempts).Attempt));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "a").Status);
        if (Database.Storage.Executor.Dialect is not SqliteDialect)
        {
            Assert.Equal(1 + TransactionStatements, statements);
            Assert.Equal([message], await Store.ReadPendingAsync(10, CancellationToken.None));
        }
    }

    [Fact]
    public async Task CompleteNodeAsync_LastNodeAlone_RunCountedDownAndFinishedInOneStatement()
    {
        // The run read, the node's finish, its attempt, and the run's count lowered with its end read back (on MySQL the
        // count, its read and the run's end took three).
        var plan = TestPlans.Linear(Guid.NewGuid(), 1);
        var trigger = await ClaimAsync((await CreateRunAsync(plan)).Messages[0], plan);
        var n1 = await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);
        CompletionResult? result = null;

        var statements = await StatementsOfAsync(async () => result = await ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(n1.RunId, n1.NodeId, n1.Version, NodeStatus.Succeeded, "{}", null, [TestPlans.Main], T0) { Attempt = n1.Attempt },
            plan,
            CancellationToken.None));

        Assert.Equal(RunStatus.Succeeded, result!.RunFinished);
        var run = await GetRunAsync(n1.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal(4 + TransactionStatements, statements);
    }

    [Theory]
    [InlineData("diamond")]
    [InlineData("diamond-claims-c")]
    [InlineData("branch")]
    [InlineData("trigger-claims-a")]
    [InlineData("several-triggers")]
    [InlineData("linear-10")]
    [InlineData("fan-out-50")]
    [InlineData("fan-out-300")]
    public async Task CreateRunAsync_StartWrittenFromItsRows_LeavesEveryRowAsTheWriteOneStatementAfterAnother(string shape)
    {
        var (plan, start) = PureStart(shape);
        var wide = start(Guid.CreateVersion7());

        var creation = await ((IRunStore)Store).CreateRunAsync(wide, plan, CancellationToken.None);
        var (runId, oneByOne) = await OneByOneAsync(plan, start(Guid.CreateVersion7()));

        Assert.True(oneByOne.Applied);
        foreach (var (table, runColumn, order) in new[] { ("Runs", "Id", "Id"), ("NodeInstances", "RunId", "Ordinal"), ("NodeAttempts", "RunId", "NodeId, Attempt") })
        {
            var expected = await RowsOfAsync(table, runColumn, order, runId);
            var actual = await RowsOfAsync(table, runColumn, order, wide.Id);
            Assert.Equal(expected.Count, actual.Count);
            Assert.All(expected.Zip(actual), row => Assert.Equal(row.First, row.Second));
        }

        Assert.Equal(oneByOne.Changes, creation.TriggerChanges);
        Assert.Equal(oneByOne.RunFinished, creation.RunFinished);
        Assert.Equal(oneByOne.Messages.Select(static m => m.Message with { RunId = Guid.Empty }), creation.Messages.Select(static m => m.Message with { RunId = Guid.Empty }));
        Assert.Equal(Describe(oneByOne.ClaimedChild), Describe(creation.ClaimedChild));
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
    public async Task CompleteNodeAsync_DiamondRegion_OneStatementMoreThanTheLastNodeAloneOrFewestRoundTrips()
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

        // On PostgreSQL: the run and the rows read, the rows finished, the attempts and the run's count, all in one round
        // trip. On MariaDB (several statements in one round trip too): the read, then the write.
        var dialect = Database.Storage.Executor.Dialect;
        Assert.Equal(dialect.GuardsRegionWriteInOneTrip ? 1 + TransactionStatements : dialect.SendsStatementsTogether ? 2 + TransactionStatements : single + 1, diamond);
    }

    [Fact]
    public async Task CompleteNodeAsync_DiamondRegionWhoseFirstNodeIsNoLongerItsClaim_StaleInOneRoundTripAndNothingWritten()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);
        CompletionResult? result = null;

        // The write names a version of a that is not the one its claim holds: the guard fails on the first row.
        var statements = await StatementsOfAsync(async () => result = await RegionAsync(plan, a with { Version = a.Version - 1 }, ["a", "b", "c", "d"]));

        Assert.False(result!.Applied);
        if (Database.Storage.Executor.Dialect.SendsStatementsTogether)
        {
            Assert.Equal(1 + TransactionStatements, statements);
        }

        var run = await GetRunAsync(a.RunId);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal((NodeStatus.Running, a.Attempt), (NodeOf(run, "a").Status, NodeOf(run, "a").Attempt));
        Assert.Empty(NodeOf(run, "a").Attempts);
        Assert.All(["b", "c", "d"], id => Assert.Equal((NodeStatus.Pending, 0), (NodeOf(run, id).Status, NodeOf(run, id).Attempts.Count)));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    public async Task CompleteNodeAsync_LinearRegion_FewestRoundTripsUpToTheRowsOfOneStatement(int nodes)
    {
        var region = await LinearRegionAsync(nodes);

        if (Database.Storage.Executor.Dialect.GuardsRegionWriteInOneTrip)
        {
            // Up to 16 rows the read and the guarded write travel together; beyond, the write takes a statement per kind
            // and per 16 rows after its read.
            Assert.Equal(nodes <= SqlStorage.RegionRowsPerStatement, region == 1 + TransactionStatements);
        }
        else if (Database.Storage.Executor.Dialect.SendsStatementsTogether)
        {
            // The read, then up to 16 rows' write in one round trip.
            Assert.Equal(nodes <= SqlStorage.RegionRowsPerStatement, region == 2 + TransactionStatements);
        }
        else
        {
            Assert.True(region > 1);
        }
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
        return await StatementsOfAsync(async () => Assert.True((await write()).Applied));
    }

    private async Task<long> StatementsOfAsync(Func<Task> write)
    {
        Func<long> statements = Database.Storage.Executor switch
        {
            SqliteExecutor sqlite => () => sqlite.Writer.Statements,
            PooledSqlExecutor { Writer: { } writer } => () => writer.RoundTrips,
            var other => throw new InvalidOperationException($"No statement count for {other.GetType().Name}."),
        };
        var before = statements();
        await write();
        return statements() - before;
    }

    // What a write alone costs besides its statements: nothing on SQLite (the writer counts its operations' statements),
    // COMMIT on a server database and BEGIN where that is a round trip of its own.
    private long TransactionStatements => Database.Storage.Executor switch
    {
        SqliteExecutor => 0,
        var server => server.Dialect.BeginIsRoundTrip ? 2 : 1,
    };

    // A start whose trigger passes the run input on, with the pure nodes run before the write (each {"<id>":1}, a
    // millisecond apart) and what the write claims for the worker.
    protected (ExecutionPlan Plan, Func<Guid, NewRun> Start) PureStart(string shape)
    {
        var flowId = Guid.NewGuid();
        var claim = new ChainClaim(Worker, T0 + Lease);
        (ExecutionPlan Plan, string[] Region, ChainClaim? Claim, string? Trigger) start = shape switch
        {
            "diamond" => (TestPlans.Diamond(flowId), ["a", "b", "c", "d"], null, null),
            "diamond-claims-c" => (TestPlans.Diamond(flowId), ["a", "b"], claim with { NodeId = "c" }, null),
            "branch" => (TestPlans.Branch(flowId), ["check", "yes"], null, null),
            "trigger-claims-a" => (TestPlans.Diamond(flowId), [], claim, null),
            "several-triggers" => (TestPlans.SeveralTriggers(flowId), ["onlyWebhook"], claim, "webhook"),
            "linear-10" => (TestPlans.Linear(flowId, 10), [.. Enumerable.Range(1, 10).Select(static i => $"n{i}")], null, null),
            "fan-out-50" => (TestPlans.FanIn(flowId, 50), [.. Enumerable.Range(0, 50).Select(static i => $"p{i}"), "join"], null, null),
            "fan-out-300" => (TestPlans.FanIn(flowId, 300), [.. Enumerable.Range(0, 300).Select(static i => $"p{i}"), "join"], null, null),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
        return (start.Plan, runId => new NewRun(runId, Owner, flowId, start.Plan.Version, """{"in":1}""", null, T0)
        {
            TriggerNodeId = start.Trigger,
            TriggerOutputJson = """{"in":1}""",
            TriggerAttemptInput = """{"in":1}""",
            ClaimChild = start.Claim,
            StartRegion = [.. start.Region.Select((id, i) => new NodeCompletion(
                runId, id, 0, NodeStatus.Succeeded, $$"""{"{{id}}":1}""", null, id == "check" ? ["true"] : [TestPlans.Main], T0.AddMilliseconds(i + 1))
            {
                Attempt = 1,
                AttemptStartedAt = T0.AddMilliseconds(i),
                InputJson = """{"in":1}""",
                ClaimChild = claim,
            })],
        });
    }

    // The same start written as it was before the rows were worked out in memory: the run with its trigger Ready, the
    // trigger claimed for no worker until the run's creation, then its completion with the start region's after it.
    private async Task<(Guid RunId, CompletionResult Result)> OneByOneAsync(ExecutionPlan plan, NewRun start)
    {
        var store = (IRunStore)Store;
        var created = await store.CreateRunAsync(
            new NewRun(start.Id, start.OwnerId, start.FlowId, start.FlowVersion, start.InputJson, null, start.CreatedAt) { TriggerNodeId = start.TriggerNodeId },
            plan,
            CancellationToken.None);
        var trigger = await store.TryClaimAsync(Assert.Single(created.Messages).Message, [], Guid.Empty, start.CreatedAt, start.CreatedAt, CancellationToken.None);
        Assert.NotNull(trigger);
        var completion = new NodeCompletion(start.Id, trigger.NodeId, trigger.Version, NodeStatus.Succeeded, start.TriggerOutputJson, null, [TestPlans.Main], start.CreatedAt)
        {
            Attempt = trigger.Attempt,
            AttemptStartedAt = start.CreatedAt,
            InputJson = start.TriggerAttemptInput,
            ClaimChild = start.ClaimChild,
        };
        var region = start.StartRegion;
        if (region.Count > 0)
        {
            completion = region[^1] with
            {
                Preceding = [completion with { ClaimChild = region[0].ClaimChild }, .. region.Take(region.Count - 1)],
                ClaimChild = start.ClaimChild,
            };
        }

        return (start.Id, await store.CompleteNodeAsync(completion, plan, CancellationToken.None));
    }

    private static string? Describe(ClaimedNode? claimed) => claimed is null ? null : string.Join(
        " ",
        claimed.NodeId,
        claimed.Version,
        claimed.Attempt,
        claimed.Interruptions,
        claimed.OwnerId,
        claimed.RunStarted,
        string.Join(",", claimed.DependencyOutputs.Select(static o => $"{o.Key}={o.Value?.GetRawText()}")),
        string.Join(",", claimed.DependencyFinishedAt.Select(static f => $"{f.Key}={f.Value:O}")),
        string.Join(",", claimed.DependencyPorts.Select(static p => $"{p.Key}={string.Join("+", p.Value)}")));

    // Every column of a run's rows in a table but the run's id, as text.
    private Task<List<string>> RowsOfAsync(string table, string runColumn, string order, Guid runId) => Database.Storage.Executor.ReadAsync(
        static async (s, a, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.Transaction = s.Transaction;
            command.CommandText = $"SELECT * FROM {a.table} WHERE {a.runColumn} = @runId ORDER BY {a.order}";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@runId";
            parameter.Value = a.runId;
            command.Parameters.Add(parameter);
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(string.Join(", ", Enumerable.Range(0, reader.FieldCount)
                    .Where(i => !string.Equals(reader.GetName(i), a.runColumn, StringComparison.OrdinalIgnoreCase))
                    .Select(i => $"{reader.GetName(i)}={reader.GetValue(i) switch
                    {
                        DBNull => "null",
                        byte[] bytes => Convert.ToHexString(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }}")));
            }

            return rows;
        },
        (table, runColumn, order, runId),
        CancellationToken.None);

    private static ServerGroupCommitWriter? WriterOf(SqlStorage store) => (store.Executor as PooledSqlExecutor)?.Writer;

    private static async Task<long> RoundTripsOfAsync<T>(ServerGroupCommitWriter writer, Func<Task<T>> operation)
    {
        var before = writer.RoundTrips;
        await operation();
        return writer.RoundTrips - before;
    }
}
