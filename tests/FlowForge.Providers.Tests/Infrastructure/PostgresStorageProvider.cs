using FlowForge.Storage.Sql;
using FlowForge.Testing;
using Npgsql;

namespace FlowForge.Providers.Tests.Infrastructure;

public sealed class PostgresStorageProvider(int shards = 1) : ServerStorageProvider(shards)
{
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

    private static string AdminConnectionString() => new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Pooling = false }.ConnectionString;
}
