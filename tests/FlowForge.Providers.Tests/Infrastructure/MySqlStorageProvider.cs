using FlowForge.Storage.Sql;
using FlowForge.Testing;
using MySqlConnector;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>The mysql provider on the MariaDB server of the tests.</summary>
public sealed class MySqlStorageProvider(int shards = 1, bool freshDatabases = false) : ServerStorageProvider(shards, freshDatabases)
{
    private static IReadOnlyList<string>? _tables;

    protected override string Provider => SqlStorageOptions.MySql;

    public override string ConnectionStringFor(string database) =>
        new MySqlConnectionStringBuilder(TestServices.MySql) { Database = database }.ConnectionString;

    protected override async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new MySqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override void DropDatabase(string name)
    {
        using var connection = new MySqlConnection(AdminConnectionString());
        connection.Open();
        using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
        command.ExecuteNonQuery();
    }

    protected override string Fingerprint(string database)
    {
        using var connection = new MySqlConnection(AdminConnectionString(database));
        connection.Open();
        using var command = new MySqlCommand(
            """
            SELECT CONCAT_WS(':',
                (SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()),
                (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', table_name, column_name, column_type, is_nullable, COALESCE(column_default, ''), extra))), 0)
                   FROM information_schema.columns WHERE table_schema = DATABASE()),
                (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', table_name, index_name, column_name, seq_in_index, non_unique, COALESCE(sub_part, '')))), 0)
                   FROM information_schema.statistics WHERE table_schema = DATABASE()),
                (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()),
                (SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE()),
                (SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE()),
                (SELECT GROUP_CONCAT(Version ORDER BY Version) FROM SchemaVersions))
            """,
            connection);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    protected override void Empty(string database)
    {
        using var connection = new MySqlConnection(AdminConnectionString(database));
        connection.Open();
        // Every recycled database has the schema of a fresh migration, so one list of its tables serves them all.
        _tables ??= ReadTables(connection);
        using var empty = new MySqlCommand(
            $"SET FOREIGN_KEY_CHECKS = 0; {string.Concat(_tables.Select(table => $"DELETE FROM `{table}`; "))}SET FOREIGN_KEY_CHECKS = 1",
            connection);
        empty.ExecuteNonQuery();
    }

    private static IReadOnlyList<string> ReadTables(MySqlConnection connection)
    {
        using var command = new MySqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> 'SchemaVersions'",
            connection);
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0).Replace("`", "``", StringComparison.Ordinal));
        }

        return tables;
    }

    private static string AdminConnectionString(string database) =>
        new MySqlConnectionStringBuilder(TestServices.MySql) { Database = database }.ConnectionString;

    private static string AdminConnectionString() => new MySqlConnectionStringBuilder(TestServices.MySql) { Pooling = false }.ConnectionString;
}
