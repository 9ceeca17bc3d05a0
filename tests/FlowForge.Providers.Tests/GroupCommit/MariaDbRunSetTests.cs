using System.Globalization;
using System.Numerics;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbRunSetTests() : RunSetCompliance(new MySqlStorageProvider())
{
    // Texts of SqlStorage.RunsPerSet diamonds, then of 16, 8 … 2 and a last run alone (five node rows each, so the rows
    // bound none of these): 40 runs are 32 and 8, 7 runs 4, 2 and 1.
    protected override int RoundTripsFor(int runs) => (runs / SqlStorage.RunsPerSet) + BitOperations.PopCount((uint)(runs % SqlStorage.RunsPerSet));

    [Fact]
    public async Task CreateRunAsync_ManyRunsInOneBatch_OutboxIdsAnsweredByTheirInsertNotASelectPerRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var store = Open();
        var writer = WriterOf(store);
        var before = await StatementCountsAsync(writer);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var queued = Enumerable.Range(0, 8).Select(i => Create(store, plan, $$"""{"run":{{i}}}""")).ToList();
        release.SetResult();
        await holder.WaitAsync(TimeSpan.FromSeconds(60));
        var created = await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(60));
        var after = await StatementCountsAsync(writer);

        // One text of eight runs: the inserts of runs, inputs, node rows and outbox rows, the last answering the ids. Before,
        // each run's outbox row was an insert of its own followed by SELECT LAST_INSERT_ID(): 3 + 8 inserts and 8 selects.
        Assert.Equal((0L, 4L), (after.Select - before.Select, after.Insert - before.Insert));
        Assert.Equal(created.Length, created.Select(c => Assert.Single(c.Messages).OutboxId).Distinct().Count());
    }

    // The statements the writer's own session has run, as the server counts them.
    private static async Task<(long Select, long Insert)> StatementCountsAsync(ServerGroupCommitWriter writer) =>
        await writer.WriteAsync(static async (s, _, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.Transaction = s.Transaction;
            command.CommandText = "SHOW SESSION STATUS WHERE Variable_name IN ('Com_select', 'Com_insert')";
            var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            }

            return (counts["Com_select"], counts["Com_insert"]);
        }, 0, CancellationToken.None);
}
