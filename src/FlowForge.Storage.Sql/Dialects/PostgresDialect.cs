using System.Data.Common;
using Npgsql;

namespace FlowForge.Storage.Sql.Dialects;

internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    // Any constant works: advisory locks are scoped to the database, so shards on one server do not wait for each other.
    private const long MigrationLockKey = 0x466C6F77466F7267; // "FlowForg"

    private PostgresDialect()
    {
    }

    public override string Name => "postgres";

    public override bool SynchronousDriver => false;

    public override bool SupportsUpdateReturning => true;

    // READ COMMITTED: a row read to be changed again must be locked, or another session could change it in between.
    public override string ForUpdate => " FOR UPDATE";

    // Npgsql prepares a statement on its second use on a physical connection and keeps it across pool rents;
    // an explicit Prepare on every rent would only repeat that work with untyped parameters.
    public override bool PreparesCommands => false;

    public override bool SendsStatementsTogether => true;

    public override bool GuardsRegionWriteInOneTrip => true;

    public override bool WritesRegionArrays => true;

    public override RunSetForm RunSets => RunSetForm.Arrays;

    // Npgsql sends BEGIN in the same round trip as the transaction's first statement.
    public override bool BeginIsRoundTrip => false;

    public override IComparer<Guid> IdOrder => GuidByteOrder.BigEndian;

    // Without a conflict target every unique index counts, so a concurrent insert of the same key waits for
    // the other transaction and then inserts nothing.
    public override string InsertOrIgnore(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING Id";

    public override string InIdList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override object IdListValue(IReadOnlyCollection<long> ids) => ids.ToArray();

    public override string CreateSchemaVersionsTable => """
        CREATE TABLE IF NOT EXISTS SchemaVersions (
            Version INTEGER NOT NULL PRIMARY KEY,
            Name TEXT NOT NULL,
            AppliedAt BIGINT NOT NULL
        )
        """;

    // The advisory lock is taken before anything else and released by COMMIT or ROLLBACK: a second process
    // waits here and then finds the scripts recorded. DDL is transactional, so a failed script leaves nothing.
    public override string BeginMigration => $"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({MigrationLockKey})";

    public override string CommitMigration => "COMMIT";

    public override string RollbackMigration => "ROLLBACK";

    // 40001 serialization_failure, 40P01 deadlock_detected: PostgreSQL rolled the whole transaction back.
    public override bool IsTransientConflict(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <summary>
    /// A pool for the connection string, with automatic preparation on, <see cref="SqlDialect.DefaultMaxPoolSize"/>
    /// connections, no session reset on return and every execution of a prepared statement planned for its values
    /// (<c>plan_cache_mode=force_custom_plan</c>) unless the string sets them.
    /// </summary>
    public static DbDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            // More than the store has statements, so none is evicted and re-prepared.
            builder.MaxAutoPrepare = 128;
        }

        if (builder.Options is not { } options || !options.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase))
        {
            // A prepared statement's plan is otherwise cached after its fifth execution when it costs no more than those
            // planned for their values, at the table sizes of that moment: a keyed read of many rows (`= ANY(@ids)`)
            // prepared while its table held a page stays a sequential scan that compares every row with every key as the
            // table grows, until an ANALYZE of the table drops the plan (docs/benchmarks.md, round fifteen, "PostgreSQL's
            // CPU per flow with two workers"). Planning each execution keeps the parse saved by the preparation.
            builder.Options = string.IsNullOrWhiteSpace(builder.Options)
                ? "-c plan_cache_mode=force_custom_plan"
                : builder.Options + " -c plan_cache_mode=force_custom_plan";
        }

        if (!SqlDialect.SetsPoolSize(given))
        {
            builder.MaxPoolSize = SqlDialect.DefaultMaxPoolSize;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            // The store leaves no session state on a connection (no SET, LISTEN, temporary table or session lock; the
            // migration's advisory lock ends with its transaction), so the reset a rented connection would otherwise
            // send (seven statements, DISCARD ALL less its DEALLOCATE) resets nothing. An open transaction is still
            // rolled back when the connection returns to the pool.
            builder.NoResetOnClose = true;
        }

        return NpgsqlDataSource.Create(builder);
    }
}
