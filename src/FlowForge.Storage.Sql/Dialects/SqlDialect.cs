namespace FlowForge.Storage.Sql.Dialects;

/// <summary>
/// What differs between the databases the store runs on. Everything else is shared SQL: statements
/// that read a row and change it again are guarded by a version or status in the WHERE clause, so the
/// same text is safe under the single SQLite writer and under concurrent PostgreSQL or MySQL sessions.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The folder of this dialect's migrations under <c>Sql/</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when the driver's async methods only wrap blocking calls, so the store calls the blocking ones directly.</summary>
    public abstract bool SynchronousDriver { get; }

    /// <summary>
    /// True when UPDATE … RETURNING exists (SQLite, PostgreSQL): the store then folds an update and the read
    /// of its outcome into one statement. MySQL has no such thing and reads the row back instead.
    /// </summary>
    public abstract bool SupportsUpdateReturning { get; }

    /// <summary>Appended to a SELECT of a row the transaction goes on to change; empty where writers are serialized anyway.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>An INSERT that inserts nothing (and affects 0 rows) when a unique key already exists.</summary>
    public abstract string InsertOrIgnore(string table, string columns, string values);

    /// <summary>An INSERT whose scalar result is the generated <c>Id</c>.</summary>
    public abstract string InsertReturningId(string table, string columns, string values);

    /// <summary>
    /// True when the server on <paramref name="connection"/> answers a multi-row INSERT … RETURNING with the inserted rows,
    /// in the order of its VALUES (MariaDB 10.5 and later on the MySQL dialect); the new runs' outbox ids are then read by
    /// their one insert rather than by a SELECT LAST_INSERT_ID() after each row. PostgreSQL and SQLite write runs otherwise.
    /// </summary>
    public virtual bool InsertReturnsRows(System.Data.Common.DbConnection connection) => false;

    /// <summary>A predicate true when <paramref name="column"/> is one of the ids bound to <paramref name="parameter"/> by <see cref="IdListValue"/>.</summary>
    public abstract string InIdList(string column, string parameter);

    public abstract object IdListValue(IReadOnlyCollection<long> ids);

    /// <summary>A DELETE of the rows of <paramref name="table"/> whose <paramref name="column"/> is one of the ids bound to <paramref name="parameter"/>.</summary>
    public virtual string DeleteWhereInIdList(string table, string column, string parameter) =>
        $"DELETE FROM {table} WHERE {InIdList(column, parameter)}";

    /// <summary>A SELECT of <paramref name="columns"/> from the rows of <paramref name="table"/> whose <paramref name="column"/> is one of the ids bound to <paramref name="parameter"/>, in its order.</summary>
    public virtual string SelectWhereInIdList(string columns, string table, string column, string parameter) =>
        $"SELECT {columns} FROM {table} WHERE {InIdList(column, parameter)} ORDER BY {column}";

    public abstract string CreateSchemaVersionsTable { get; }

    /// <summary>
    /// Starts the migration transaction and holds whatever lock keeps a second process out until <see cref="CommitMigration"/>.
    /// Where waiting for the lock can give up, the statement's scalar result is a number, 1 when the lock is held.
    /// </summary>
    public abstract string BeginMigration { get; }

    public abstract string CommitMigration { get; }

    public abstract string RollbackMigration { get; }

    /// <summary>
    /// True when a session prepares each statement once on its connection. False where preparing would cost a
    /// round trip per operation on a pooled connection: the driver then decides (Npgsql prepares automatically).
    /// </summary>
    public virtual bool PreparesCommands => true;

    /// <summary>
    /// Whether a connection held across many operations (a server group-commit writer's) prepares each statement once.
    /// By default as <see cref="PreparesCommands"/>.
    /// </summary>
    public virtual bool PreparesHeldCommands => PreparesCommands;

    /// <summary>
    /// True where a session sends each statement with its parameters by position (<c>?</c>) rather than by name: the driver
    /// substitutes them into the text on the client and looks a named one up on every execution (MySqlConnector copies
    /// each name out of the text to do so). Callers still bind by name; the session copies the values into place.
    /// </summary>
    public virtual bool SendsPositionalParameters => false;

    /// <summary>How the database orders the stored ids, so that merging listings of several shards agrees with each shard's ORDER BY.</summary>
    public abstract IComparer<Guid> IdOrder { get; }

    /// <summary>True when the database rolled the transaction back because of a conflict with another one (deadlock, serialization failure): running it again can succeed.</summary>
    public virtual bool IsTransientConflict(System.Data.Common.DbException exception) => false;

    /// <summary>
    /// True when a command whose text holds several statements goes to the server in one round trip (Npgsql sends them
    /// together with one sync; MySqlConnector sends an unprepared text whole). The store then puts statements that follow
    /// one another without a decision in between into one command.
    /// </summary>
    public virtual bool SendsStatementsTogether => false;

    /// <summary>
    /// True where a region's read and its write, guarded by what the read must show, go to the server as one text
    /// (SqlStorage.RegionInOneTrip.cs); elsewhere the write follows the read.
    /// </summary>
    public virtual bool GuardsRegionWriteInOneTrip => false;

    /// <summary>How the new runs of one group-commit batch are written: each alone, or together in one of two forms.</summary>
    public virtual RunSetForm RunSets => RunSetForm.None;

    /// <summary>
    /// True where the region writes of one group-commit batch go together, the reads of all its regions in one text and the
    /// writes of those of one shape in another (SqlStorage.RegionBatches.cs); elsewhere each region is a write of its own.
    /// </summary>
    public virtual bool WritesRegionSets => false;

    /// <summary>
    /// True where the region writes of one group-commit batch go together over arrays, the reads of all its regions in one
    /// command and the writes of all that pass in another, whatever their shapes (SqlStorage.RegionArraySets.cs).
    /// </summary>
    public virtual bool WritesRegionArrays => false;

    /// <summary>True when the statement failed because a row with the same unique key exists (the statement alone was undone).</summary>
    public virtual bool IsDuplicateKey(System.Data.Common.DbException exception) => false;

    /// <summary>True when beginning a transaction is a round trip of its own (Npgsql sends BEGIN with the first statement).</summary>
    public virtual bool BeginIsRoundTrip => true;

    /// <summary>
    /// Where not null, a connection held by a group-commit writer runs this once to make its session READ COMMITTED, and each
    /// of its transactions then begins with <see cref="BeginStatement"/> alone, one round trip, where the driver's
    /// BeginTransaction would set the level again in a round trip of its own every time (MySqlConnector).
    /// </summary>
    public virtual string? HeldSessionReadCommitted => null;

    /// <summary>Begins a transaction at the session's isolation level (see <see cref="HeldSessionReadCommitted"/>).</summary>
    public virtual string BeginStatement => "START TRANSACTION";

    /// <summary>
    /// One round trip that ends the savepoint <paramref name="name"/> of the previous operation of a batch and sets a new
    /// one of the same name for the next: by default a RELEASE and a SAVEPOINT in one command.
    /// </summary>
    public virtual string NextSavepoint(string name) => $"RELEASE SAVEPOINT {name}; SAVEPOINT {name}";

    /// <summary>
    /// Connections one process opens at most to one database unless its connection string says otherwise.
    /// Three processes (an api and two workers) then stay well under PostgreSQL's default
    /// <c>max_connections</c> of 100 (MariaDB's is 151); the drivers' own default of 100 per process does not.
    /// </summary>
    public const int DefaultMaxPoolSize = 25;

    /// <summary>True when the connection string sets the pool's maximum size under any of the drivers' spellings.</summary>
    public static bool SetsPoolSize(System.Data.Common.DbConnectionStringBuilder given) =>
        given.ContainsKey("Maximum Pool Size") || given.ContainsKey("Max Pool Size") || given.ContainsKey("MaxPoolSize")
        || given.ContainsKey("MaximumPoolSize") || given.ContainsKey("Maximum PoolSize");
}
