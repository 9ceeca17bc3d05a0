using System.Globalization;
using System.Text;

namespace FlowForge.Storage.Sql.Dialects;

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new(updateReturning: true);

    /// <summary>SQLite running the statements written for dialects without UPDATE … RETURNING, so that tests cover them.</summary>
    public static readonly SqliteDialect WithoutUpdateReturning = new(updateReturning: false);

    private SqliteDialect(bool updateReturning) => SupportsUpdateReturning = updateReturning;

    public override string Name => "sqlite";

    public override bool SynchronousDriver => true;

    public override bool SupportsUpdateReturning { get; }

    // One writer connection runs every write, so a row read in a transaction cannot change under it.
    public override string ForUpdate => "";

    public override string InsertOrIgnore(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING Id";

    public override string InIdList(string column, string parameter) =>
        $"{column} IN (SELECT value FROM json_each({parameter}))";

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
            Version INTEGER NOT NULL PRIMARY KEY,
            Name TEXT NOT NULL,
            AppliedAt INTEGER NOT NULL
        )
        """;

    // IMMEDIATE takes the database's write lock up front: a second process starting at the same time
    // waits (busy_timeout) and then finds the migrations applied.
    public override string BeginMigration => "BEGIN IMMEDIATE";

    public override string CommitMigration => "COMMIT";

    public override string RollbackMigration => "ROLLBACK";

    // Microsoft.Data.Sqlite binds a Guid as upper-case TEXT ("0123ABCD-…"), and its ordinal order is the RFC 4122 byte order.
    public override IComparer<Guid> IdOrder => GuidByteOrder.BigEndian;
}
