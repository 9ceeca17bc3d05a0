using FlowForge.Storage.Sql;
using FlowForge.Testing;
using Npgsql;

namespace FlowForge.Providers.Tests.Infrastructure;

public sealed class PostgresStorageProvider(int shards = 1, bool freshDatabases = false) : ServerStorageProvider(shards, freshDatabases)
{
    private static IReadOnlyList<string>? _tables;

    protected override string Provider => SqlStorageOptions.Postgres;

    public override string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database }.ConnectionString;

    protected override async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override void DropDatabase(string name)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString());
        connection.Open();
        // FORCE: a store that failed half-way may have left a connection behind.
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    protected override string Fingerprint(string database)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(
            """
            SELECT concat_ws(':',
                (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'),
                (SELECT coalesce(sum(hashtext(concat_ws('|', table_name, column_name, data_type, is_nullable, column_default, is_identity))::bigint), 0)
                   FROM information_schema.columns WHERE table_schema = 'public'),
                (SELECT coalesce(sum(hashtext(indexdef)::bigint), 0) FROM pg_indexes WHERE schemaname = 'public'),
                (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'),
                (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
                (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'),
                (SELECT string_agg(Version::text, ',' ORDER BY Version) FROM SchemaVersions))
            """,
            connection);
        return (string)command.ExecuteScalar()!;
    }

    protected override void Empty(string database)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString(database));
        connection.Open();
        // Every recycled database has the schema of a fresh migration, so one list of its tables serves them all.
        // DELETE, not TRUNCATE: a test's few rows go faster than new files for every table and index.
        _tables ??= ReadTables(connection);
        using var empty = new NpgsqlCommand(
            $"SET session_replication_role = replica; {string.Concat(_tables.Select(table => $"DELETE FROM {table}; "))}SET session_replication_role = DEFAULT",
            connection);
        empty.ExecuteNonQuery();
    }

    private static IReadOnlyList<string> ReadTables(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schemaversions'", connection);
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static string AdminConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database }.ConnectionString;

    private static string AdminConnectionString() => new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Pooling = false }.ConnectionString;
}
