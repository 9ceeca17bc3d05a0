using Microsoft.Data.Sqlite;

namespace FlowForge.Server.Tests.Testing;

/// <summary>Node states read straight from a stopped server's SQLite file (what was on disk when it died).</summary>
public static class RunStates
{
    public static async Task<Dictionary<Guid, Dictionary<string, (string Status, int Attempt)>>> ReadAsync(string databaseFile)
    {
        var result = new Dictionary<Guid, Dictionary<string, (string, int)>>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT RunId, NodeId, Status, Attempt FROM NodeInstances";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var runId = reader.GetGuid(0);
            if (!result.TryGetValue(runId, out var nodes))
            {
                result[runId] = nodes = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
            }

            nodes[reader.GetString(1)] = (reader.GetString(2), reader.GetInt32(3));
        }

        return result;
    }
}
