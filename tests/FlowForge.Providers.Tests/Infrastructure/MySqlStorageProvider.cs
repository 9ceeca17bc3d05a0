using FlowForge.Storage.Sql;
using FlowForge.Testing;
using MySqlConnector;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>The mysql provider on the MariaDB server of the tests.</summary>
public sealed class MySqlStorageProvider(int shards = 1) : ServerStorageProvider(shards)
{
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

    private static string AdminConnectionString() => new MySqlConnectionStringBuilder(TestServices.MySql) { Pooling = false }.ConnectionString;
}
