using System.Data.Common;
using System.Globalization;
using FlowForge.Engine.Queueing;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement ReadOutbox = new(nameof(ReadOutbox), """
        SELECT Id, Kind, RunId, NodeId, Version, FlowId, FlowVersion FROM Outbox ORDER BY Id LIMIT @limit
        """);

    private static readonly SqlStatement ReadOutboxByIds = new(nameof(ReadOutboxByIds), d =>
        d.SelectWhereInIdList("Id, Kind, RunId, NodeId, Version, FlowId, FlowVersion", "Outbox", "Id", "@ids"));

    // Bounded: the subquery walks at most @limit entries of the primary key and reads no row.
    private static readonly SqlStatement CountOutbox = new(nameof(CountOutbox), """
        SELECT COUNT(*) FROM (SELECT Id FROM Outbox ORDER BY Id LIMIT @limit) AS pending
        """);

    // One statement for a whole batch of ids, whatever its size.
    private static readonly SqlStatement DeleteOutboxMessages = new(nameof(DeleteOutboxMessages), d => d.DeleteWhereInIdList("Outbox", "Id", "@ids"));

    public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, limit, ct) =>
        {
            var messages = new List<OutboxMessage>();
            await using var reader = await s.ReaderAsync(s.Command(ReadOutbox).Bind("@limit", limit), ct);
            while (await reader.ReadAsync(ct))
            {
                messages.Add(ReadOutboxMessage(reader));
            }

            return (IReadOnlyList<OutboxMessage>)messages;
        }, Math.Max(limit, 0), cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
    {
        if (outboxIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        return _executor.ReadAsync(static async (s, ids, ct) =>
        {
            var messages = new List<OutboxMessage>(ids.Count);
            await using var reader = await s.ReaderAsync(s.Command(ReadOutboxByIds).Bind("@ids", s.Dialect.IdListValue(ids)), ct);
            while (await reader.ReadAsync(ct))
            {
                messages.Add(ReadOutboxMessage(reader));
            }

            return (IReadOnlyList<OutboxMessage>)messages;
        }, outboxIds, cancellationToken);
    }

    public Task<int> CountPendingAsync(int cap, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, cap, ct) =>
            Convert.ToInt32(await s.ScalarAsync(s.Command(CountOutbox).Bind("@limit", cap), ct), CultureInfo.InvariantCulture),
            Math.Max(cap, 0), cancellationToken);

    public Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
    {
        if (outboxIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _executor.WriteAsync(static (s, ids, ct) =>
            s.ExecuteAsync(s.Command(DeleteOutboxMessages).Bind("@ids", s.Dialect.IdListValue(ids)), ct), outboxIds, cancellationToken);
    }

    private static OutboxMessage ReadOutboxMessage(DbDataReader reader) => new(
        reader.GetInt64(0),
        new WorkMessage(
            StatusNames.WorkKindOf(reader.GetString(1)),
            reader.GetGuid(2),
            reader.GetString(3),
            reader.GetInt64(4),
            reader.GetGuid(5),
            reader.GetInt32(6)));
}
