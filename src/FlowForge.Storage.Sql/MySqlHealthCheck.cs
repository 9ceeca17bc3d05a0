using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Whether a MySQL or MariaDB server answers a query. Written here rather than taken from
/// AspNetCore.HealthChecks.MySql: its latest version (3.1.1) is built on MySql.Data, a different driver from the
/// MySqlConnector the store uses, and would bring a second MySQL client into the process.
/// </summary>
public sealed class MySqlHealthCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (MySqlException ex)
        {
            // The message names the server and the error, never the password.
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}
