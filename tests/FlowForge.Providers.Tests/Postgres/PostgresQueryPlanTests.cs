using System.Runtime.CompilerServices;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using Npgsql;
using Xunit.Abstractions;

namespace FlowForge.Providers.Tests.Postgres;

/// <summary>Every statement the store runs on PostgreSQL must find its rows through an index, never by reading a whole table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQueryPlanTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Recovery at start-up on the embedded shape empties the whole outbox: reading all of it is the point.
    private static readonly HashSet<string> WholeTableByDesign = ["ClearOutbox"];

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new PostgresStorageProvider(freshDatabases: true).CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task EveryStatement_UsesAnIndexForEachTable()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        await using var connection = new NpgsqlConnection(_database.Options.ConnectionString);
        await connection.OpenAsync();
        await using (var disable = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            // A sequential scan then costs so much that the planner takes one only when no index can serve.
            await disable.ExecuteNonQueryAsync();
        }

        var offenders = new List<string>();
        foreach (var (statement, sql) in SqlStatement.All.SelectMany(static s => s.StatementsFor(PostgresDialect.Instance).Select(sql => (s, sql))))
        {
            var plan = await ExplainAsync(connection, sql);
            output.WriteLine($"{statement.Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", plan)}");
            if (!WholeTableByDesign.Contains(statement.Name))
            {
                offenders.AddRange(plan.Where(step => step.Contains("Seq Scan", StringComparison.Ordinal)).Select(step => $"{statement.Name}: {step.Trim()}"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public async Task ChildRunsPage_ManyChildren_ReadsTheParentsIndexBackwardWithoutSortingThem()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        var sql = Assert.Single(SqlStatement.All.Single(static s => s.Name == "ListChildrenOfRun").StatementsFor(PostgresDialect.Instance));
        var parent = Guid.Parse("44444444-4444-4444-4444-444444444444");
        await using var connection = new NpgsqlConnection(_database.Options.ConnectionString);
        await connection.OpenAsync();
        // 5,000 children of one run among 5,000 top-level runs.
        await using (var seed = new NpgsqlCommand(
            """
            INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt, ParentRunId, ParentNodeId, ItemIndex)
            SELECT md5(i::text)::uuid, @parent, @parent, 1, 'Succeeded', 0, i * 10, CASE WHEN i % 2 = 0 THEN @parent END,
                CASE WHEN i % 2 = 0 THEN 'n' END, CASE WHEN i % 2 = 0 THEN i END
            FROM generate_series(1, 10000) AS i;
            ANALYZE Runs;
            """,
            connection))
        {
            seed.Parameters.AddWithValue("parent", parent);
            await seed.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        command.Parameters.AddWithValue("runId", parent);
        command.Parameters.AddWithValue("afterCreatedAt", 50_000L);
        command.Parameters.AddWithValue("afterId", Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        command.Parameters.AddWithValue("limit", 200);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join(Environment.NewLine, plan);
        output.WriteLine(text);
        // A page is the range of the index in the listing's order: no sort of the run's 5,000 children for 200 of them.
        Assert.Contains("Index Scan Backward using ix_runs_parent_created", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", text, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ExplainAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var name in SqlSession.ParameterNames(sql))
        {
            // Real values: with NULLs the planner would fold the predicates away and read nothing at all.
            command.Parameters.AddWithValue(name, SampleValue(name));
        }

        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(0));
        }

        return steps;
    }

    // A parameter of a row group (@nodeId0, @nodeId1 …) takes the sample of its name without the row number.
    private static object SampleValue(string parameter) => SampleValueOf(parameter.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'));

    private static object SampleValueOf(string parameter) => parameter switch
    {
        "@ids" => new long[] { 1, 2 },
        "@id" or "@runId" or "@ownerId" or "@userId" or "@flowId" or "@afterId" or "@workerId" or "@outputBlob" or "@parentRunId" or "@claimId" or "@connectionId" => Guid.NewGuid(),
        "@content" or "@secret" or "@protectedData" => new byte[] { 1 },
        "@flowIds" or "@runIds" or "@workerIds" or "@ownerIds" or "@parentRunIds" or "@nodeRunIds" or "@attemptRunIds" or "@messageRunIds"
            or "@rowRunIds" or "@countRunIds" => new[] { Guid.NewGuid(), Guid.NewGuid() },
        "@flowVersions" or "@remainingCounts" or "@itemIndexes" or "@parentAttempts" or "@depths" => new[] { 1, 2 },
        "@runStatuses" or "@idempotencyKeys" or "@parentNodeIds" or "@inputs" => new[] { "x", "y" },
        "@createdAts" or "@runStartedAts" or "@runFinishedAts" => new long[] { 1, 2 },
        "@nodeIds" or "@rowNodeIds" => new[] { "x", "y" },
        "@newVersions" or "@ats" => new long[] { 1, 2 },
        "@actives" or "@counts" => new[] { 1, 2 },
        "@firsts" => new[] { true, false },
        "@versions" or "@leaseUntils" or "@nows" => new long[] { 1, 2 },
        "@ordinals" or "@attempts" or "@pendingParentCounts" or "@activeParentCounts" or "@attemptNumbers" => new[] { 1, 2 },
        "@isTriggers" => new short[] { 0, 1 },
        "@types" or "@statuses" or "@outputs" or "@portLists" or "@attemptNodeIds" or "@attemptErrors" or "@attemptInputs" or "@attemptLogs"
            or "@messageKinds" or "@messageNodeIds" => new[] { "x", "y" },
        "@readyAts" or "@startedAts" or "@finishedAts" or "@attemptStartedAts" or "@attemptFinishedAts" or "@messageVersions" => new long[] { 1, 2 },
        "@pattern" => "%x%",
        "@nodeId" or "@idempotencyKey" or "@email" or "@flowName" or "@name" or "@value" or "@status" or "@output" or "@error" or "@kind"
            or "@type" or "@inputJson" or "@passwordHash" or "@json" or "@tokenId" or "@purpose" or "@keyId" or "@material" or "@keyHash" or "@key" or "@parentNodeId" or "@secretHash" or "@stateHash" or "@holder" or "@bindingHash" or "@redirectUri" or "@waitKind"
            or "@provider" or "@statusReason" or "@scopes" or "@settings" => "x",
        "@version" or "@flowVersion" or "@limit" or "@ordinal" or "@pendingParents" or "@edges" or "@activeEdges" or "@finished"
            or "@attempt" or "@isTrigger" or "@activeParents" or "@remainingNodes" or "@itemIndex" or "@parentAttempt" or "@depth" or "@onInApp" or "@onEmail" or "@digestMinutes" => 1,
        _ => 1_000_000L,
    };
}
