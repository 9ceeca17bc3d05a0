using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql.Dialects;
using Npgsql;

namespace FlowForge.Providers.Tests.Postgres;

/// <summary>
/// A statement prepared on a store connection is planned for the rows its tables hold when it runs, not once for the
/// sizes they had when the connection first ran it: a plan cached while a table was nearly empty reads the whole table on
/// every later run (a keyed read of many rows became a sequential scan comparing every row with every key).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPlanCacheTests : IAsyncLifetime
{
    // Npgsql prepares a statement after its fifth use and PostgreSQL plans its first five executions for their values,
    // so twenty uses leave a plan cached if the session caches one.
    private const int Uses = 20;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new PostgresStorageProvider(freshDatabases: true).CreateDatabaseAsync(TimeProvider.System);

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

    private static async Task<long> GenericPlansAsync(NpgsqlConnection connection)
    {
        await using var plans = new NpgsqlCommand(
            "SELECT COALESCE(SUM(generic_plans), 0)::BIGINT FROM pg_prepared_statements WHERE statement LIKE '%FROM PlanProbe WHERE%'", connection);
        return (long)(await plans.ExecuteScalarAsync())!;
    }
}
