using System.Data.Common;
using MySqlConnector;
using Npgsql;

namespace FlowForge.Testing;

/// <summary>A fresh database on the private PostgreSQL or MariaDB server, dropped on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _store;
    private readonly string _admin;
    private readonly string _name;

    private TestDatabase(string store, string admin, string name, string connectionString)
    {
        _store = store;
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string store)
    {
        var name = $"ff_{Guid.NewGuid():N}"[..30];
        var admin = store == "postgres" ? TestServices.Postgres : TestServices.MySql;
        await ExecuteAsync(store, admin, $"CREATE DATABASE {name}");
        var connection = store == "postgres"
            ? new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString
            : new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(store, admin, name, connection);
    }

    public DbConnection Open() => _store == "postgres" ? new NpgsqlConnection(ConnectionString) : new MySqlConnection(ConnectionString);

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The rows <paramref name="sql"/> returns as text, "a|b" per row and rows joined by "; " — for failure messages.</summary>
    public async Task<string> RowsAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync() && rows.Count < 50)
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            rows.Add(string.Join('|', values));
        }

        return string.Join("; ", rows);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store == "postgres")
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_store, _admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
        else
        {
            MySqlConnection.ClearAllPools();
            await ExecuteAsync(_store, _admin, $"DROP DATABASE IF EXISTS {_name}");
        }
    }

    private static async Task ExecuteAsync(string store, string connectionString, string sql)
    {
        await using DbConnection connection = store == "postgres" ? new NpgsqlConnection(connectionString) : new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
