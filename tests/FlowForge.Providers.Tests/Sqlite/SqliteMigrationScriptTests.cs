using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowForge.Providers.Tests.Sqlite;

/// <summary>Each migration carries data written under the schema before it.</summary>
public sealed class SqliteMigrationScriptTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new SqliteStorageProvider().CreateDatabaseAsync(TimeProvider.System, migrate: false);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Migrate0002_RunWrittenUnderVersion1_KeepsInputAndCounters()
    {
        var runId = Guid.NewGuid();
        var flowId = Guid.NewGuid();
        var owner = Guid.NewGuid();
        await using (var connection = (SqliteConnection)((SqliteExecutor)_database.Storage.Executor).OpenMigrationConnection())
        {
            Assert.Equal(1, await _database.Storage.Migrator.MigrateAsync(connection, 1, CancellationToken.None));
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO Runs (Id, OwnerId, FlowId, FlowVersion, Status, InputJson, IdempotencyKey, RemainingNodes, Error, CreatedAt, StartedAt, FinishedAt)
                VALUES (@id, @owner, @flow, 3, 'Pending', '{"kept": "yes"}', 'key-1', 1, NULL, 1000000, NULL, NULL);
                INSERT INTO NodeInstances (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents, ReadyAt)
                VALUES (@id, 'trigger', 0, 'core.manualTrigger', 1, 'Ready', 1, 0, 0, 0, 1000000);
                """;
            insert.Parameters.AddWithValue("@id", runId);
            insert.Parameters.AddWithValue("@owner", owner);
            insert.Parameters.AddWithValue("@flow", flowId);
            await insert.ExecuteNonQueryAsync();
        }

        await _database.Storage.MigrateAsync(CancellationToken.None);

        var run = await _database.Storage.GetRunAsync(runId, owner, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal("""{"kept": "yes"}""", run.InputJson);
        Assert.Equal(3, run.FlowVersion);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1), run.CreatedAt);
        Assert.Equal("trigger", Assert.Single(run.Nodes).NodeId);
        Assert.True(await _database.Storage.IsReadyAsync(CancellationToken.None));
        var claim = await _database.Storage.TryClaimAsync(
            new Engine.Queueing.WorkMessage(Engine.Queueing.WorkKind.StartFlow, runId, "trigger", 1, flowId, 3), [], Guid.NewGuid(), DateTimeOffset.UnixEpoch.AddSeconds(2), DateTimeOffset.UnixEpoch.AddMinutes(2), CancellationToken.None);
        Assert.NotNull(claim);
        Assert.Equal("""{"kept": "yes"}""", claim.RunInput?.GetRawText());
        Assert.True(claim.RunStarted);
        var duplicate = await _database.Storage.CreateRunAsync(
            new Engine.Storage.NewRun(Guid.NewGuid(), owner, flowId, 3, "{}", "key-1", DateTimeOffset.UnixEpoch), Plan(flowId), CancellationToken.None);
        Assert.False(duplicate.Created);
        Assert.Equal(runId, duplicate.RunId);
    }

    private static Engine.Graphs.ExecutionPlan Plan(Guid flowId) =>
        new(flowId, 3, [new Engine.Graphs.PlanNode("trigger", "core.manualTrigger", null, true, [], [], [])]);
}
