using System.Globalization;
using FlowForge.Bench;
using FlowForge.Testing;
using MySqlConnector;

namespace FlowForge.Server.Tests.Processes;

/// <summary>The bench's reading of the database's own transaction count, against the MariaDB test server.</summary>
public sealed class CommitCounterTests
{
    private const int Statements = 100;

    [Fact]
    public async Task ReadAsync_MySqlAutocommitStatements_CountsEachAsATransaction()
    {
        var table = "CommitCounterProbe" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new MySqlConnection(TestServices.MySql);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"CREATE TABLE {table} (Id INT NOT NULL PRIMARY KEY) ENGINE = InnoDB");
        try
        {
            var before = await CommitCounter.ReadAsync("mysql=" + TestServices.MySql);

            // Each statement commits on its own: no COMMIT statement is ever sent, yet each is a transaction.
            for (var i = 0; i < Statements; i++)
            {
                await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {table} (Id) VALUES ({i})"));
            }

            var counted = await CommitCounter.ReadAsync("mysql=" + TestServices.MySql) - before;
            Assert.True(counted >= Statements, $"{Statements} autocommit inserts counted as {counted} transactions");
        }
        finally
        {
            await ExecuteAsync(connection, $"DROP TABLE {table}");
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
