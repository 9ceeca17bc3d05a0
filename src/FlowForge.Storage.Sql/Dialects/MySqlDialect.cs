using System.Data.Common;
using System.Globalization;
using System.Text;
using MySqlConnector;

namespace FlowForge.Storage.Sql.Dialects;

/// <summary>MySQL 8 and MariaDB 10.6 or later (JSON_TABLE), through MySqlConnector.</summary>
internal sealed class MySqlDialect : SqlDialect
{
    public static readonly MySqlDialect Instance = new();

    // GET_LOCK names are server-wide and at most 64 characters: the database's hash keeps shards on one
    // server from queueing behind each other.
    private const string MigrationLockName = "CONCAT('flowforge.migrate:', MD5(DATABASE()))";

    private MySqlDialect()
    {
    }

    public override string Name => "mysql";

    public override bool SynchronousDriver => false;

    public override bool SupportsUpdateReturning => false;

    public override string ForUpdate => " FOR UPDATE";

    // A pooled connection is rented per operation, and a connection string may ask for it to be reset on return, which
    // closes its server-side statements: preparing could cost a round trip per statement per operation.
    public override bool PreparesCommands => false;

    // A group-commit writer holds its connection, so its statements are prepared once on the server and reused.
    public override bool PreparesHeldCommands => true;

    // The text protocol substitutes parameters on the client on every execution; by name, each is copied out of the text
    // and looked up (two strings per parameter per execution, most of a worker's allocations), by position it is the next.
    public override bool SendsPositionalParameters => true;

    public override IComparer<Guid> IdOrder => GuidByteOrder.BigEndian;

    // IGNORE turns the duplicate-key error of a unique index into "0 rows"; every other column is bound
    // non-null by the store, so nothing else it would forgive can occur.
    public override string InsertOrIgnore(string table, string columns, string values) =>
        $"INSERT IGNORE INTO {table} ({columns}) VALUES ({values})";

    // Both statements go in one round trip; LAST_INSERT_ID is per connection, so concurrent inserts do not mix.
    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}); SELECT LAST_INSERT_ID()";

    // MySQL 8 has no INSERT … RETURNING; MariaDB has had it since 10.5 (the oldest it runs on is 10.6).
    public override bool InsertReturnsRows(DbConnection connection) =>
        connection is MySqlConnection { ServerVersion: var version } && version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public override string InIdList(string column, string parameter) =>
        $"{column} IN (SELECT j.ListedId FROM {IdTable(parameter)})";

    // MariaDB reads the whole table for a single-table DELETE … WHERE Id IN (subquery); joined, it seeks each id.
    public override string DeleteWhereInIdList(string table, string column, string parameter) =>
        $"DELETE t FROM {table} AS t JOIN {IdTable(parameter)} ON t.{column} = j.ListedId";

    // Joined for the same reason: each id is one seek of the key.
    public override string SelectWhereInIdList(string columns, string table, string column, string parameter) =>
        $"SELECT {columns} FROM {table} JOIN {IdTable(parameter)} ON {table}.{column} = j.ListedId ORDER BY {table}.{column}";

    // The ids bound by IdListValue as a table j of one column, named apart from the tables' own columns.
    private static string IdTable(string parameter) => $"JSON_TABLE({parameter}, '$[*]' COLUMNS (ListedId BIGINT PATH '$')) AS j";

    public override object IdListValue(IReadOnlyCollection<long> ids)
    {
        var json = new StringBuilder(ids.Count * 8).Append('[');
        foreach (var id in ids)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(id.ToString(CultureInfo.InvariantCulture));
        }

        return json.Append(']').ToString();
    }

    public override string CreateSchemaVersionsTable => """
        CREATE TABLE IF NOT EXISTS SchemaVersions (
            Version INT NOT NULL PRIMARY KEY,
            Name VARCHAR(200) NOT NULL,
            AppliedAt BIGINT NOT NULL
        ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
        """;

    // DDL commits implicitly in MySQL, so no transaction can hold a migration together: a named lock (held by
    // the session until released) keeps a second process out until the scripts are recorded. The scripts
    // themselves use IF NOT EXISTS, so one interrupted half-way can run again. MariaDB has no endless wait:
    // GET_LOCK gives up after 10 minutes with 0 (NULL on error), and the migrator then stops.
    public override string BeginMigration => $"SELECT COALESCE(GET_LOCK({MigrationLockName}, 600), 0)";

    public override string CommitMigration => $"DO RELEASE_LOCK({MigrationLockName})";

    public override string RollbackMigration => $"DO RELEASE_LOCK({MigrationLockName})";

    // 1213 deadlock (InnoDB rolled the transaction back), 1205 lock wait timeout (the executor rolls back).
    public override bool IsTransientConflict(DbException exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    // MySqlConnector's BeginTransaction(level) sends SET SESSION TRANSACTION ISOLATION LEVEL and START TRANSACTION as two
    // commands, two round trips per transaction; a held connection sets the level once.
    public override string? HeldSessionReadCommitted => "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

    public override bool SendsStatementsTogether => true;

    public override RunSetForm RunSets => RunSetForm.Texts;

    public override bool WritesRegionSets => true;

    // InnoDB undoes the statement that hit the key and keeps the transaction.
    public override bool IsDuplicateKey(DbException exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    // A SAVEPOINT with the name of an existing one replaces it: no RELEASE is needed between operations.
    public override string NextSavepoint(string name) => $"SAVEPOINT {name}";

    /// <summary>
    /// A pool for the connection string. Guids are stored as BINARY(16) in RFC 4122 byte order, and row counts
    /// are rows matched (as SQLite and PostgreSQL report them), whatever the string says; the pool holds
    /// <see cref="SqlDialect.DefaultMaxPoolSize"/> connections and does not reset a connection it hands out unless the
    /// string says otherwise.
    /// </summary>
    public static DbDataSource CreateDataSource(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            GuidFormat = MySqlGuidFormat.Binary16,
            UseAffectedRows = false,

            // Prepare() is a no-op otherwise; only the group-commit writer's held connections call it.
            IgnorePrepare = false,
        };
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!SetsPoolSize(given))
        {
            builder.MaximumPoolSize = DefaultMaxPoolSize;
        }

        if (!given.ContainsKey("Connection Reset") && !given.ContainsKey("ConnectionReset"))
        {
            // The store leaves no session state on a connection (no variable, temporary table or prepared statement on a
            // pooled one; the migration releases its named lock, and a transaction left open is rolled back on return),
            // so resetting each rented connection would be a round trip that resets nothing.
            builder.ConnectionReset = false;
        }

        return new MySqlDataSource(builder.ConnectionString);
    }
}
