using System.Globalization;
using MySqlConnector;
using Npgsql;

namespace FlowForge.Bench;

/// <summary>Reads the database's own count of committed transactions: <c>postgres=CS</c> or <c>mysql=CS</c>.</summary>
public static class CommitCounter
{
    public static async Task<long> ReadAsync(string? spec)
    {
        if (spec is null)
        {
            return 0;
        }

        var (kind, connection) = (spec[..spec.IndexOf('=', StringComparison.Ordinal)], spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        if (kind == "postgres")
        {
            await using var pg = new NpgsqlConnection(connection);
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", pg);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var my = new MySqlConnection(connection);
        await my.OpenAsync();
        await using var status = new MySqlCommand("SHOW GLOBAL STATUS LIKE 'Com_commit'", my);
        await using var reader = await status.ExecuteReaderAsync();
        await reader.ReadAsync();
        return long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
    }
}
