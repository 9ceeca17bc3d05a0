using System.Globalization;
using MySqlConnector;
using Npgsql;

namespace FlowForge.Bench;

/// <summary>
/// Reads the database's own count of committed transactions: <c>postgres=CS</c> or <c>mysql=CS</c> (MariaDB or MySQL;
/// the user needs the privilege to set global variables, which turns InnoDB's transaction counters on).
/// </summary>
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

        // Com_commit counts COMMIT statements only, not the statements that commit on their own (autocommit), and
        // Handler_commit counts every statement's commit inside a transaction too. InnoDB's own transaction counters
        // count what PostgreSQL's xact_commit does: every committed transaction, read-write or read-only. They are off
        // by default; turning one on that is on already changes nothing, and one turned on counts from zero, so the
        // first reading (before the load) turns them on and the difference of two readings is the figure.
        await using var my = new MySqlConnection(connection);
        await my.OpenAsync();
        await using (var enable = new MySqlCommand(
            "SET GLOBAL innodb_monitor_enable = 'trx_rw_commits'; SET GLOBAL innodb_monitor_enable = 'trx_ro_commits'; SET GLOBAL innodb_monitor_enable = 'trx_nl_ro_commits'",
            my))
        {
            await enable.ExecuteNonQueryAsync();
        }

        await using var count = new MySqlCommand(
            "SELECT COALESCE(SUM(COUNT), 0) FROM information_schema.INNODB_METRICS WHERE NAME IN ('trx_rw_commits', 'trx_ro_commits', 'trx_nl_ro_commits')",
            my);
        return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
