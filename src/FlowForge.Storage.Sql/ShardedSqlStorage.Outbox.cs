using FlowForge.Engine.Queueing;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Storage.Sql;

public sealed partial class ShardedSqlStorage
{
    /// <summary>Up to <paramref name="limit"/> messages, taken from the shards in turn so that a busy shard does not starve the others.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken)
    {
        var pending = await Task.WhenAll(_shards.Select(s => s.ReadPendingAsync(limit, cancellationToken)));
        var messages = new List<OutboxMessage>(Math.Min(Math.Max(limit, 0), pending.Sum(p => p.Count)));
        for (var i = 0; messages.Count < limit; i++)
        {
            var taken = false;
            for (var shard = 0; shard < pending.Length && messages.Count < limit; shard++)
            {
                if (i < pending[shard].Count)
                {
                    var message = pending[shard][i];
                    messages.Add(message with { OutboxId = ShardedOutboxIds.ToGlobal(shard, message.OutboxId) });
                    taken = true;
                }
            }

            if (!taken)
            {
                break;
            }
        }

        return messages;
    }

    public Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
    {
        if (outboxIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var byShard = new List<long>?[_shards.Length];
        foreach (var id in outboxIds)
        {
            // An id no shard issued names no message: there is nothing to delete.
            if (ShardedOutboxIds.TryFromGlobal(id, _shards.Length, out var shard, out var localId))
            {
                (byShard[shard] ??= []).Add(localId);
            }
        }

        var acknowledged = new List<Task>();
        for (var shard = 0; shard < byShard.Length; shard++)
        {
            if (byShard[shard] is { } ids)
            {
                acknowledged.Add(_shards[shard].AcknowledgeAsync(ids, cancellationToken));
            }
        }

        return Task.WhenAll(acknowledged);
    }

    public async Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(
        DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, CancellationToken cancellationToken)
    {
        var requeued = await Task.WhenAll(_shards.Select(s => s.RequeueAbandonedAsync(now, noOtherWorkers, readyOlderThan, cancellationToken)));
        var messages = new List<OutboxMessage>(requeued.Sum(r => r.Count));
        for (var shard = 0; shard < requeued.Length; shard++)
        {
            messages.AddRange(ShardedOutboxIds.ToGlobal(shard, requeued[shard]));
        }

        return messages;
    }

    /// <summary>The due timers of every shard, soonest first.</summary>
    public async Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken)
    {
        var timers = await Task.WhenAll(_shards.Select(s => s.ListTimersAsync(dueBefore, cancellationToken)));
        var merged = timers.SelectMany(t => t).ToList();
        merged.Sort((x, y) => x.DueAt.CompareTo(y.DueAt));
        return merged;
    }
}
