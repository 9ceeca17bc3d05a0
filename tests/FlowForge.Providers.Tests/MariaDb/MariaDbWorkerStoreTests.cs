using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Testing;
using MySqlConnector;

namespace FlowForge.Providers.Tests.MariaDb;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbWorkerStoreTests() : WorkerStoreCompliance(new MySqlStorageProvider())
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
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(Database.Options.ConnectionString!) { GuidFormat = MySqlGuidFormat.Binary16 }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new MySqlCommand("SELECT 1 FROM NodeInstances WHERE RunId = @runId AND NodeId = @nodeId FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.AddWithValue("@runId", held.RunId);
            lockRow.Parameters.AddWithValue("@nodeId", heldClaim.NodeId);
            Assert.NotNull(await lockRow.ExecuteScalarAsync());
        }

        // Waiting for the row would block until the other transaction ends (InnoDB waits 50 s by default); skipping it
        // renews the free node's lease only.
        var renewed = await Eventually.WithinAsync(
            Store.HeartbeatAsync(Worker, T0.AddSeconds(1), T0.AddSeconds(1) + Lease, CancellationToken.None),
            "a heartbeat beside a held node row",
            TimeSpan.FromSeconds(20));
        Assert.Equal(1, renewed);
        await transaction.RollbackAsync();
    }
}
