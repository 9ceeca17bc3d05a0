using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using Npgsql;

namespace FlowForge.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkerStoreTests() : WorkerStoreCompliance(new PostgresStorageProvider())
{
    [Fact]
    public async Task HeartbeatAsync_NodeRowHeldByAnotherTransaction_SkipsItInsteadOfWaiting()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var held = await CreateRunAsync(plan);
        var free = await CreateRunAsync(plan);
        var heldClaim = await ClaimAsync(held.Messages[0], plan, T0);
        await ClaimAsync(free.Messages[0], plan, T0);

        // Another transaction (a group-commit batch completing that node) holds the row and keeps it.
        await using var connection = new NpgsqlConnection(Database.Options.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM NodeInstances WHERE RunId = @runId AND NodeId = @nodeId FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.AddWithValue("runId", held.RunId);
            lockRow.Parameters.AddWithValue("nodeId", heldClaim.NodeId);
            await lockRow.ExecuteScalarAsync();
        }

        var beat = Store.HeartbeatAsync(Worker, T0.AddSeconds(1), T0.AddSeconds(1) + Lease, CancellationToken.None);

        // Waiting for the row would block until the other transaction ends; skipping it renews the free node's lease only.
        Assert.Same(beat, await Task.WhenAny(beat, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(1, await beat);
        await transaction.RollbackAsync();
    }
}
