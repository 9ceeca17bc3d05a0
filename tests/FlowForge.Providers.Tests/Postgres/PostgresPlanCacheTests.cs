using System.Data.Common;
using System.Runtime.CompilerServices;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using Npgsql;

namespace FlowForge.Providers.Tests.Postgres;

/// <summary>
/// A statement prepared on a store connection is planned for the rows its tables hold when it runs, not once for the
/// sizes they had when the connection first ran it: a plan cached while a table was nearly empty reads the whole table on
/// every later run (a keyed read of many rows became a sequential scan comparing every row with every key). A statement
/// that only inserts keeps the plan it was first given, which reads no table at any size.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class PostgresPlanCacheTests : IAsyncLifetime
{
    // Npgsql prepares a statement after its fifth use and PostgreSQL plans its first five executions for their values,
    // so twenty uses leave a plan cached if the session caches one.
    private const int Uses = 20;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new PostgresStorageProvider().CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task StoreDataSource_KeyedReadPreparedWhileTheTableHeldAFewRows_ReadsByTheIndexOnceTheTableHasGrown()
    {
        await using (var setup = new NpgsqlConnection(_database.Options.ConnectionString))
        {
            await setup.OpenAsync();
            // A few rows, analyzed as autovacuum does early on a new table: one page, which the planner reads whole
            // rather than through the index.
            await using var create = new NpgsqlCommand(
                "CREATE TABLE PlanProbe (Id UUID NOT NULL PRIMARY KEY, Value TEXT NOT NULL); " +
                "INSERT INTO PlanProbe (Id, Value) SELECT gen_random_uuid(), 'x' FROM generate_series(1, 5); ANALYZE PlanProbe", setup);
            await create.ExecuteNonQueryAsync();
        }

        await using var dataSource = PostgresDialect.CreateDataSource(_database.Options.ConnectionString!);
        await using var connection = (NpgsqlConnection)await dataSource.OpenConnectionAsync();
        var keys = Enumerable.Range(0, 8).Select(static _ => Guid.NewGuid()).ToArray();
        for (var use = 0; use < Uses; use++)
        {
            Assert.Equal(0, await ReadAsync(connection, keys));
        }

        await using (var fill = new NpgsqlCommand(
            "INSERT INTO PlanProbe (Id, Value) SELECT gen_random_uuid(), repeat('x', 40) FROM generate_series(1, 20000)", connection))
        {
            await fill.ExecuteNonQueryAsync();
        }

        var before = await SequentialScansAsync(connection);
        Assert.Equal(0, await ReadAsync(connection, keys));

        Assert.Equal(0L, await GenericPlansAsync(connection));
        Assert.Equal(before, await SequentialScansAsync(connection));
    }

    [Theory]
    [InlineData("InsertRunArrays")]
    [InlineData("InsertRunWithRows")]
    public async Task StoreSession_RunInsertPreparedWhileTheTablesHeldAFewRows_KeepsOnePlanAndReadsNoTableOnceTheyHaveGrown(string name)
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        var statement = SqlStatement.All.Single(s => s.Name == name);
        await using var dataSource = PostgresDialect.CreateDataSource(_database.Options.ConnectionString!);
        var connection = (NpgsqlConnection)await dataSource.OpenConnectionAsync();
        using var session = new SqlSession(connection, PostgresDialect.Instance);

        // A few runs, analyzed as autovacuum does early on a new database.
        await InsertRunsAsync(session, statement);
        await ExecuteAsync(connection, "ANALYZE Runs; ANALYZE RunInputs; ANALYZE NodeInstances; ANALYZE NodeAttempts; ANALYZE Outbox");
        for (var use = 0; use < Uses; use++)
        {
            await InsertRunsAsync(session, statement);
        }

        await ExecuteAsync(connection, """
            INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, RemainingNodes, CreatedAt)
                SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, 'Running', 2, 1 FROM generate_series(1, 20000);
            INSERT INTO RunInputs (RunId, InputJson) SELECT Id, '{}' FROM Runs ON CONFLICT DO NOTHING;
            INSERT INTO NodeInstances (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents)
                SELECT Id, 'c', 0, 'core.set', 0, 'Ready', 1, 0, 0, 0 FROM Runs;
            INSERT INTO Outbox (Kind, RunId, NodeId, Version, FlowId, FlowVersion) SELECT 'Execute', Id, 'c', 1, FlowId, 1 FROM Runs
            """);

        var before = await AllSequentialScansAsync(connection);
        await InsertRunsAsync(session, statement);

        Assert.NotEqual(0L, await GenericPlansAsync(connection, "%INSERT INTO Runs (%"));
        Assert.Equal(before, await AllSequentialScansAsync(connection));
    }

    [Fact]
    public async Task StoreDataSource_ConnectionStringSetsThePlanCacheMode_KeepsIt()
    {
        var given = new NpgsqlConnectionStringBuilder(_database.Options.ConnectionString) { Options = "-c plan_cache_mode=auto" }.ConnectionString;
        await using var dataSource = PostgresDialect.CreateDataSource(given);
        await using var connection = (NpgsqlConnection)await dataSource.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SHOW plan_cache_mode", connection);

        Assert.Equal("auto", await show.ExecuteScalarAsync());
    }

    private static async Task<int> ReadAsync(NpgsqlConnection connection, Guid[] keys)
    {
        await using var read = new NpgsqlCommand("SELECT Id, Value FROM PlanProbe WHERE Id = ANY(@ids)", connection);
        read.Parameters.AddWithValue("ids", keys);
        var rows = 0;
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows++;
        }

        return rows;
    }

    // This session's own sequential scans of the table: flushed to the statistics at once, read in a fresh snapshot.
    private static async Task<long> SequentialScansAsync(NpgsqlConnection connection)
    {
        await using (var flush = new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection))
        {
            await flush.ExecuteNonQueryAsync();
        }

        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection))
        {
            await clear.ExecuteNonQueryAsync();
        }

        await using var scans = new NpgsqlCommand("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'planprobe'", connection);
        return (long)(await scans.ExecuteScalarAsync())!;
    }

    private static async Task<long> GenericPlansAsync(NpgsqlConnection connection, string pattern = "%FROM PlanProbe WHERE%")
    {
        await using var plans = new NpgsqlCommand(
            "SELECT COALESCE(SUM(generic_plans), 0)::BIGINT FROM pg_prepared_statements WHERE statement LIKE @pattern", connection);
        plans.Parameters.AddWithValue("pattern", pattern);
        return (long)(await plans.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // Every table's sequential scans, by this session and any other, flushed and read in a fresh snapshot.
    private static async Task<string> AllSequentialScansAsync(NpgsqlConnection connection)
    {
        await ExecuteAsync(connection, "SELECT pg_stat_force_next_flush(); SELECT pg_stat_clear_snapshot()");
        await using var scans = new NpgsqlCommand(
            "SELECT string_agg(relname || ' ' || seq_scan, ', ' ORDER BY relname) FROM pg_stat_user_tables", connection);
        return (string)(await scans.ExecuteScalarAsync())!;
    }

    // Two new runs with two nodes, attempts and outbox rows, written by the statement in a transaction as the
    // group-commit writer writes them.
    private static async Task InsertRunsAsync(SqlSession session, SqlStatement statement)
    {
        var connection = (NpgsqlConnection)session.Connection;
        await using var transaction = await connection.BeginTransactionAsync();
        session.Transaction = transaction;
        var runs = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var command = session.Command(statement);
        foreach (DbParameter parameter in command.Parameters)
        {
            parameter.Value = RunValue(parameter.ParameterName, runs);
        }

        await using (var reader = await session.ReaderAsync(command, CancellationToken.None))
        {
            while (await reader.ReadAsync())
            {
            }
        }

        await transaction.CommitAsync();
        session.Transaction = null;
    }

    private static object RunValue(string parameter, Guid[] runs) => parameter switch
    {
        "@id" => runs[0],
        "@runIds" or "@nodeRunIds" or "@attemptRunIds" or "@messageRunIds" => runs,
        "@ownerId" or "@flowId" => Guid.Empty,
        "@ownerIds" or "@flowIds" => new[] { Guid.Empty, Guid.Empty },
        "@flowVersion" or "@remainingNodes" => 2,
        "@depth" => 0,
        "@status" => "Running",
        "@createdAt" or "@startedAt" => 1L,
        "@inputJson" => "{}",
        "@flowVersions" or "@remainingCounts" or "@attemptNumbers" => new[] { 2, 2 },
        "@depths" or "@attempts" or "@pendingParentCounts" or "@activeParentCounts" or "@ordinals" => new[] { 0, 0 },
        "@runStatuses" or "@statuses" => new[] { "Running", "Running" },
        "@inputs" => new[] { "{}", "{}" },
        "@createdAts" or "@versions" or "@messageVersions" => new[] { 1L, 1L },
        "@runStartedAts" or "@readyAts" or "@attemptStartedAts" or "@attemptFinishedAts" => new long?[] { 1, 1 },
        "@runFinishedAts" or "@startedAts" or "@finishedAts" or "@leaseUntils" => new long?[] { null, null },
        "@parentRunIds" or "@workerIds" => new Guid?[] { null, null },
        "@itemIndexes" or "@parentAttempts" => new int?[] { null, null },
        "@idempotencyKeys" or "@parentNodeIds" or "@outputs" or "@portLists" or "@attemptErrors" or "@attemptInputs" or "@attemptLogs" =>
            new string?[] { null, null },
        "@nodeIds" or "@attemptNodeIds" or "@messageNodeIds" => new[] { "a", "b" },
        "@types" => new[] { "core.set", "core.set" },
        "@isTriggers" => new short[] { 0, 0 },
        "@messageKinds" => new[] { "Execute", "Execute" },
        _ => DBNull.Value,
    };
}
