using System.Runtime.CompilerServices;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using MySqlConnector;
using Xunit.Abstractions;

namespace FlowForge.Providers.Tests.MariaDb;

/// <summary>Every statement the store runs on MySQL must find its rows through an index, never by reading a whole table.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbQueryPlanTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Recovery at start-up on the embedded shape empties the whole outbox: reading all of it is the point.
    private static readonly HashSet<string> WholeTableByDesign = ["ClearOutbox"];

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new MySqlStorageProvider(freshDatabases: true).CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task EveryStatement_UsesAnIndexForEachTable()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        await using var connection = new MySqlConnection(_database.Options.ConnectionString + ";GuidFormat=Binary16");
        await connection.OpenAsync();
        await using (var seed = new MySqlCommand(
            """
            INSERT INTO Outbox (Kind, RunId, NodeId, Version, FlowId, FlowVersion)
            SELECT 'ExecuteNode', UNHEX(REPEAT('00', 16)), 'n', 1, UNHEX(REPEAT('00', 16)), 1 FROM seq_1_to_5000;
            INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt)
            SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('00', 16)), UNHEX(REPEAT('00', 16)), 1, 'Succeeded', 0, seq FROM seq_1_to_5000;
            INSERT INTO RunInputs (RunId, InputJson) SELECT UNHEX(MD5(seq)), '{}' FROM seq_1_to_5000;
            INSERT INTO NodeInstances (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents)
            SELECT UNHEX(MD5(seq)), 'n', 0, 't', 0, 'Succeeded', 1, 0, 0, 0 FROM seq_1_to_5000;
            ANALYZE TABLE Outbox, Runs, RunInputs, NodeInstances;
            """,
            connection))
        {
            // On an empty table a full scan is the cheapest plan, and MariaDB takes it: filled ones show the real choice (the
            // statements that name many rows of a set would otherwise read the few rows there are).
            await seed.ExecuteNonQueryAsync();
        }

        var offenders = new List<string>();
        foreach (var (statement, sql) in SqlStatement.All.SelectMany(static s => s.StatementsFor(MySqlDialect.Instance).Select(sql => (s, sql))))
        {
            // A plain INSERT … VALUES reads no table (the outbox insert is followed by SELECT LAST_INSERT_ID()), and
            // the UPDATE … RETURNING statements are for the dialects that have it: MySQL runs the portable ones.
            if (sql.StartsWith("INSERT", StringComparison.Ordinal) || sql.Contains("RETURNING", StringComparison.Ordinal))
            {
                continue;
            }

            var plan = await ExplainAsync(connection, sql);
            output.WriteLine($"{statement.Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", plan.Select(p => $"{p.Table} {p.Type} {p.Key} {p.Extra}"))}");
            if (!WholeTableByDesign.Contains(statement.Name))
            {
                offenders.AddRange(plan
                    .Where(step => step.Type == "ALL" && !step.Table.StartsWith('<') && step.Table != "j")
                    .Select(step => $"{statement.Name}: full scan of {step.Table}"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public async Task ClaimSetRead_NamesItsRowsInOneRowValueList_ReadAsRangesOfThePrimaryKey()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        var sql = Assert.Single(SqlStatement.All.Single(static s => s.Name == "SelectClaimTargetsOfSet64").StatementsFor(MySqlDialect.Instance));

        // One IN list of (run, node) pairs, not an OR of 64 equalities: MariaDB analyses each disjunct of an OR on its own.
        Assert.Contains("(n.RunId, n.NodeId) IN ((@runId0, @nodeId0), (@runId1, @nodeId1),", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(" OR ", sql, StringComparison.Ordinal);

        await using var connection = new MySqlConnection(_database.Options.ConnectionString + ";GuidFormat=Binary16");
        await connection.OpenAsync();
        await using (var seed = new MySqlCommand(
            """
            INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt)
            SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('00', 16)), UNHEX(REPEAT('00', 16)), 1, 'Running', 1, seq FROM seq_1_to_5000;
            INSERT INTO NodeInstances (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents)
            SELECT UNHEX(MD5(seq)), 'n', 0, 't', 0, 'Ready', 1, 0, 0, 0 FROM seq_1_to_5000;
            ANALYZE TABLE Runs, NodeInstances;
            """,
            connection))
        {
            await seed.ExecuteNonQueryAsync();
        }

        var plan = await ExplainAsync(connection, sql);
        Assert.Contains(plan, static step => step is { Table: "n", Type: "range", Key: "PRIMARY" });
        Assert.Contains(plan, static step => step is { Table: "r", Type: "eq_ref", Key: "PRIMARY" });
    }

    // One owner's 6,000 runs, three of four of them of one flow, one after another in time.
    private const string RunsSeed = """
        INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt)
        SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('11', 16)), UNHEX(REPEAT(IF(seq % 4 = 0, '33', '22'), 16)), 1, 'Succeeded', 0, seq * 10
        FROM seq_1_to_6000;
        ANALYZE TABLE Runs;
        """;

    // One owner's 6,000 child runs, three of four of them of one parent run ('44…', the others of '55…'), and as many
    // top-level runs between them, one after another in time.
    private const string ChildRunsSeed = """
        INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt, ParentRunId, ParentNodeId, ItemIndex)
        SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('11', 16)), UNHEX(REPEAT('22', 16)), 1, 'Succeeded', 0, seq * 10,
            UNHEX(REPEAT(IF(seq % 4 = 0, '55', '44'), 16)), 'n', seq
        FROM seq_1_to_6000;
        INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt)
        SELECT UNHEX(MD5(-seq)), UNHEX(REPEAT('11', 16)), UNHEX(REPEAT('22', 16)), 1, 'Succeeded', 0, seq * 10 + 5
        FROM seq_1_to_6000;
        ANALYZE TABLE Runs;
        """;

    // One owner's 6,000 flows (one in four deleted) and one user's 6,000 notifications (one in four read: the unread
    // listing also reads the read ones between its rows), one after another in time.
    private const string FlowsAndNotificationsSeed = """
        INSERT INTO Flows (Id, OwnerId, Name, CurrentVersion, CreatedAt, UpdatedAt, DeletedAt)
        SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('11', 16)), CONCAT('f', seq), 1, seq * 10, seq * 10, IF(seq % 4 = 0, seq * 10, NULL)
        FROM seq_1_to_6000;
        INSERT INTO Notifications (Id, UserId, Kind, FlowId, FlowName, RunId, Error, Count, CreatedAt, UpdatedAt, ReadAt)
        SELECT UNHEX(MD5(seq)), UNHEX(REPEAT('11', 16)), 'failed', UNHEX(REPEAT('22', 16)), 'f', UNHEX(MD5(seq)), NULL, 1, seq * 10, seq * 10,
            IF(seq % 4 = 0, seq * 10, NULL)
        FROM seq_1_to_6000;
        ANALYZE TABLE Flows, Notifications;
        """;

    [Theory]
    [InlineData("ListRunsOfFlow")]
    [InlineData("ListRunsOfOwner")]
    [InlineData("ListRunsOfOwnerByStatus")]
    [InlineData("ListFlows")]
    [InlineData("ListNotificationsOfUser")]
    [InlineData("ListUnreadNotificationsOfUser")]
    [InlineData("ListChildrenOfRun")]
    public async Task KeysetListingPage_DeepInTheListing_ReadsAboutItsLimitOfRows(string name)
    {
        // A page of 200 from the row created at 20,000 (the 2,000th) back: 4,000 newer rows of the owner or user come before
        // it (of the parent run: 3,000 of its 4,500 children, which were sorted whole before IX_Runs_Parent_Created).
        var runs = name.StartsWith("ListRuns", StringComparison.Ordinal) || name == "ListChildrenOfRun";
        var seed = name == "ListChildrenOfRun" ? ChildRunsSeed : runs ? RunsSeed : FlowsAndNotificationsSeed;
        var (rows, read) = await ReadDeepPageAsync(name, seed, runs
            ? static reader => Assert.True(reader.GetInt64(4) <= 20_000)
            : static _ => { });

        // The page's rows (with the few neighbours of another flow or status, or the read notifications between unread ones,
        // that the range holds), not the 4,000 newer ones: 3,199–4,399 rows when MariaDB walked the index back from its
        // prefix's newest row.
        output.WriteLine($"{name}: {read} rows read for a page of {rows}");
        Assert.InRange(read, 1, 2 * rows);
    }

    // Runs the seed, then reads the statement's page of 200 listed before (20,000, the greatest id) for owner, user '11…',
    // flow '22…', parent run '44…' and status Succeeded (each listing binds the names it has), checks each row and answers the rows and the
    // rows the handlers read for them.
    private async Task<(int Rows, long Read)> ReadDeepPageAsync(string name, string seed, Action<MySqlDataReader> check)
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        var sql = Assert.Single(SqlStatement.All.Single(s => s.Name == name).StatementsFor(MySqlDialect.Instance));
        await using var connection = new MySqlConnection(_database.Options.ConnectionString + ";GuidFormat=Binary16");
        await connection.OpenAsync();
        await using (var seeding = new MySqlCommand(seed, connection))
        {
            await seeding.ExecuteNonQueryAsync();
        }

        await using (var reset = new MySqlCommand("FLUSH STATUS", connection))
        {
            await reset.ExecuteNonQueryAsync();
        }

        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@ownerId", Convert.FromHexString(new string('1', 32)));
        command.Parameters.AddWithValue("@userId", Convert.FromHexString(new string('1', 32)));
        command.Parameters.AddWithValue("@flowId", Convert.FromHexString(new string('2', 32)));
        command.Parameters.AddWithValue("@runId", Convert.FromHexString(new string('4', 32)));
        command.Parameters.AddWithValue("@status", "Succeeded");
        command.Parameters.AddWithValue("@afterCreatedAt", 20_000L);
        command.Parameters.AddWithValue("@afterId", Convert.FromHexString(new string('f', 32)));
        command.Parameters.AddWithValue("@limit", 200);
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                check(reader);
                rows++;
            }
        }

        Assert.Equal(200, rows);
        return (rows, await HandlerReadsAsync(connection, "prev", "next", "rnd_next"));
    }

    // The rows the session's handlers read since its status was flushed, by the counters named.
    private static async Task<long> HandlerReadsAsync(MySqlConnection connection, params string[] counters)
    {
        long read = 0;
        await using var status = new MySqlCommand(
            $"SHOW SESSION STATUS WHERE Variable_name IN ({string.Join(", ", counters.Select(static c => $"'Handler_read_{c}'"))})", connection);
        await using var reader = await status.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            read += long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return read;
    }

    private static async Task<List<(string Table, string Type, string Key, string Extra)>> ExplainAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand("EXPLAIN " + sql, connection);
        foreach (var name in SqlSession.ParameterNames(sql))
        {
            command.Parameters.AddWithValue(name, SampleValue(name));
        }

        var steps = new List<(string, string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add((Text(reader, "table"), Text(reader, "type"), Text(reader, "key"), Text(reader, "Extra")));
        }

        return steps;
    }

    private static string Text(MySqlDataReader reader, string column) =>
        reader.IsDBNull(reader.GetOrdinal(column)) ? "" : Convert.ToString(reader.GetValue(reader.GetOrdinal(column)), System.Globalization.CultureInfo.InvariantCulture)!;

    // A parameter of a row group (@nodeId0, @nodeId1 …) takes the sample of its name without the row number.
    private static object SampleValue(string parameter) => SampleValueOf(parameter.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'));

    private static object SampleValueOf(string parameter) => parameter switch
    {
        "@ids" => "[1,2]",
        "@id" or "@runId" or "@ownerId" or "@userId" or "@flowId" or "@afterId" or "@workerId" or "@outputBlob" or "@parentRunId" or "@claimId" or "@connectionId"
            or "@inputRunId" or "@outputRunId" or "@rowRunId" => Guid.NewGuid(),
        "@content" or "@secret" or "@protectedData" => new byte[] { 1 },
        "@flowIds" => $"[\"{Guid.NewGuid():N}\",\"{Guid.NewGuid():N}\"]",
        "@pattern" => "%x%",
        "@nodeId" or "@outputNodeId" or "@rowNodeId" or "@idempotencyKey" or "@email" or "@flowName" or "@name" or "@value" or "@status" or "@output" or "@error" or "@kind"
            or "@type" or "@inputJson" or "@passwordHash" or "@json" or "@tokenId" or "@purpose" or "@keyId" or "@material" or "@keyHash" or "@key" or "@parentNodeId" or "@secretHash" or "@stateHash" or "@holder" or "@bindingHash" or "@redirectUri" or "@waitKind"
            or "@provider" or "@statusReason" or "@scopes" or "@settings" => "x",
        "@version" or "@flowVersion" or "@limit" or "@ordinal" or "@pendingParents" or "@edges" or "@activeEdges" or "@finished"
            or "@attempt" or "@remainingNodes" or "@itemIndex" or "@parentAttempt" or "@depth" or "@onInApp" or "@onEmail" or "@digestMinutes" => 1,
        _ => 1_000_000L,
    };
}
