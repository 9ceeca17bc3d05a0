using System.Data.Common;
using System.Globalization;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql.Migrations;

/// <summary>
/// Applies the dialect's embedded scripts that the <c>SchemaVersions</c> table does not list yet, all in
/// one transaction under the dialect's migration lock, so two processes starting together apply each once.
/// </summary>
internal sealed class SqlMigrator(SqlDialect dialect, TimeProvider timeProvider)
{
    private readonly IReadOnlyList<MigrationScript> _scripts = MigrationScript.Load(dialect.Name);

    public int LatestVersion => _scripts[^1].Version;

    /// <summary>Returns how many scripts were applied (0 when the schema was up to date).</summary>
    public Task<int> MigrateAsync(DbConnection connection, CancellationToken cancellationToken) =>
        MigrateAsync(connection, int.MaxValue, cancellationToken);

    /// <summary>Applies the scripts up to <paramref name="targetVersion"/> (tests build older schemas with it).</summary>
    public async Task<int> MigrateAsync(DbConnection connection, int targetVersion, CancellationToken cancellationToken)
    {
        await BeginAsync(connection, cancellationToken);
        try
        {
            await ExecuteAsync(connection, dialect.CreateSchemaVersionsTable, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, cancellationToken);
            var count = 0;
            foreach (var script in _scripts)
            {
                if (applied.Contains(script.Version) || script.Version > targetVersion)
                {
                    continue;
                }

                await ExecuteAsync(connection, script.Sql, cancellationToken);
                await RecordAsync(connection, script, cancellationToken);
                count++;
            }

            await ExecuteAsync(connection, dialect.CommitMigration, cancellationToken);
            return count;
        }
        catch
        {
            await ExecuteAsync(connection, dialect.RollbackMigration, CancellationToken.None);
            throw;
        }
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(Version) FROM SchemaVersions";
        // MAX of an INTEGER column is a long in SQLite and an int in PostgreSQL and MySQL; NULL before any script.
        return await command.ExecuteScalarAsync(cancellationToken) is { } version and not DBNull
            ? Convert.ToInt32(version, CultureInfo.InvariantCulture)
            : 0;
    }

    private async Task BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = dialect.BeginMigration;
        var locked = await command.ExecuteScalarAsync(cancellationToken);
        if (locked is long or int && Convert.ToInt64(locked, CultureInfo.InvariantCulture) != 1)
        {
            throw new TimeoutException(
                $"Another process held the {dialect.Name} migration lock for too long; run the migration again once it has finished.");
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Version FROM SchemaVersions";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private async Task RecordAsync(DbConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO SchemaVersions (Version, Name, AppliedAt) VALUES (@version, @name, @appliedAt)";
        AddParameter(command, "@version", script.Version);
        AddParameter(command, "@name", script.Name);
        AddParameter(command, "@appliedAt", UnixMicros.From(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
