using FlowForge.Engine.Queueing;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Storage.Sql;

public sealed partial class ShardedSqlStorage
{
    /// <summary>
    /// Up to <paramref name="limit"/> messages, taken from the shards in turn so that a busy shard does not starve the
    /// others; a shard that cannot be read is left out (and logged) while the others are relayed.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken)
    {
        var pending = await OnEveryAvailableShardAsync("Reading the outbox", s => s.ReadPendingAsync(limit, cancellationToken), cancellationToken);
        var messages = new List<OutboxMessage>(Math.Min(Math.Max(limit, 0), pending.Sum(p => p.Result.Count)));
        for (var i = 0; messages.Count < limit; i++)
        {
            var taken = false;
            for (var p = 0; p < pending.Count && messages.Count < limit; p++)
            {
                var (shard, shardPending) = pending[p];
                if (i < shardPending.Count)
                {
                    var message = shardPending[i];
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

    /// <summary>Each shard reads its own ids; the messages come back shard by shard, each shard's oldest first.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
    {
        var byShard = ByShard(outboxIds);
        var reads = new List<Task<IReadOnlyList<OutboxMessage>>>();
        var shards = new List<int>();
        for (var shard = 0; shard < byShard.Length; shard++)
        {
            if (byShard[shard] is { } ids)
            {
                reads.Add(_shards[shard].ReadPendingAsync(ids, cancellationToken));
                shards.Add(shard);
            }
        }

        var read = await Task.WhenAll(reads);
        var messages = new List<OutboxMessage>(read.Sum(r => r.Count));
        for (var i = 0; i < read.Length; i++)
        {
            messages.AddRange(ShardedOutboxIds.ToGlobal(shards[i], read[i]));
        }

        return messages;
    }

    /// <summary>The sum over the shards that answer, each counted up to the cap, capped again.</summary>
    public async Task<int> CountPendingAsync(int cap, CancellationToken cancellationToken)
    {
        var counts = await OnEveryAvailableShardAsync("Counting the outbox", s => s.CountPendingAsync(cap, cancellationToken), cancellationToken);
        return (int)Math.Min(Math.Max(cap, 0), counts.Sum(c => (long)c.Result));
    }

    public Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken)
    {
        if (outboxIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var byShard = ByShard(outboxIds);
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

    /// <summary>The shards' own ids, by shard; an id no shard issued names no message and is left out.</summary>
    private List<long>?[] ByShard(IReadOnlyCollection<long> outboxIds)
    {
        var byShard = new List<long>?[_shards.Length];
        foreach (var id in outboxIds)
        {
            if (ShardedOutboxIds.TryFromGlobal(id, _shards.Length, out var shard, out var localId))
            {
                (byShard[shard] ??= []).Add(localId);
            }
        }

        return byShard;
    }

    /// <summary>
    /// Each shard requeues its share of <paramref name="limit"/> (rounded up); a shard that fails is logged and
    /// left for the next sweep while the others are recovered.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(
        DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, int limit, CancellationToken cancellationToken)
    {
        var share = ShareOf(limit);
        var requeued = await OnEveryAvailableShardAsync(
            "Recovery", s => s.RequeueAbandonedAsync(now, noOtherWorkers, readyOlderThan, share, cancellationToken), cancellationToken);
        var messages = new List<OutboxMessage>(requeued.Sum(r => r.Result.Count));
        foreach (var (shard, shardMessages) in requeued)
        {
            messages.AddRange(ShardedOutboxIds.ToGlobal(shard, shardMessages));
        }

        return messages;
    }

    public async Task<int> CloseNodesOfEndedRunsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var share = ShareOf(limit);
        var closed = await OnEveryAvailableShardAsync("Closing nodes of ended runs", s => s.CloseNodesOfEndedRunsAsync(now, share, cancellationToken), cancellationToken);
        return closed.Sum(c => c.Result);
    }

    /// <summary>The due timers of every shard that answers, soonest first.</summary>
    public async Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken)
    {
        var timers = await OnEveryAvailableShardAsync("Listing timers", s => s.ListTimersAsync(dueBefore, cancellationToken), cancellationToken);
        var merged = timers.SelectMany(t => t.Result).ToList();
        merged.Sort((x, y) => x.DueAt.CompareTo(y.DueAt));
        return merged;
    }

    private int ShareOf(int limit) => limit <= 0 ? 0 : (int)(((long)limit + _shards.Length - 1) / _shards.Length);
}
