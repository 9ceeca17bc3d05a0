using System.Globalization;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql.Execution;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbGroupCommitWriterTests() : ServerGroupCommitWriterCompliance(new MySqlStorageProvider())
{
    protected override string SessionIdQuery => "SELECT CONNECTION_ID()";

    protected override string KillSessionStatement(long sessionId) =>
        string.Create(CultureInfo.InvariantCulture, $"KILL {sessionId}");

    [Fact]
    public async Task WriteAsync_ManyTransactionsOnTheHeldConnection_EachBeginsInOneStatementAndReadCommitted()
    {
        var writer = WriterOf(Open(writers: 1, maxBatchSize: 50));
        var before = await SessionAsync(writer);
        for (var i = 0; i < 3; i++)
        {
            await writer.WriteAsync(static (_, _, _) => ValueTask.FromResult(0), 0, CancellationToken.None);
        }

        var after = await SessionAsync(writer);

        // Four transactions (three, then the one that reads the counts) and not one SET of the isolation level: MySqlConnector's
        // BeginTransaction(ReadCommitted) sends SET SESSION TRANSACTION ISOLATION LEVEL before every START TRANSACTION.
        Assert.Equal((4L, 0L), (after.Begin - before.Begin, after.SetOption - before.SetOption));
        Assert.Equal("READ-COMMITTED", after.Isolation);
    }

    // The writer's own session, read inside one of its transactions.
    private static async Task<(long Begin, long SetOption, string Isolation)> SessionAsync(ServerGroupCommitWriter writer) =>
        await writer.WriteAsync(static async (s, _, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.Transaction = s.Transaction;
            command.CommandText = "SHOW SESSION STATUS WHERE Variable_name IN ('Com_begin', 'Com_set_option')";
            var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    counts[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
                }
            }

            command.CommandText = "SELECT @@tx_isolation";
            var isolation = (string)(await command.ExecuteScalarAsync(ct))!;
            return (counts["Com_begin"], counts["Com_set_option"], isolation);
        }, 0, CancellationToken.None);
}
