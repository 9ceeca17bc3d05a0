using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Storage.Sql;

public sealed partial class ShardedSqlStorage
{
    /// <summary>Every shard keeps its own worker rows beside the nodes they hold, so a beat is one transaction per shard.</summary>
    public async Task<int> HeartbeatAsync(Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var renewed = await Task.WhenAll(_shards.Select(s => s.HeartbeatAsync(workerId, now, leaseUntil, cancellationToken)));
        return renewed.Sum();
    }

    /// <summary>A worker has a row on every shard: it counts once, as the most shards that took it over.</summary>
    public async Task<WorkerTakeover> TakeOverSilentWorkersAsync(DateTimeOffset silentSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var taken = await Task.WhenAll(_shards.Select(s => s.TakeOverSilentWorkersAsync(silentSince, now, cancellationToken)));
        var messages = new List<OutboxMessage>(taken.Sum(t => t.Messages.Count));
        for (var shard = 0; shard < taken.Length; shard++)
        {
            messages.AddRange(ShardedOutboxIds.ToGlobal(shard, taken[shard].Messages));
        }

        return new WorkerTakeover(taken.Max(t => t.Workers), messages);
    }

    public Task<WorkMessage?> ReleaseClaimAsync(WorkMessage message, ClaimedNode claim, bool interrupted, DateTimeOffset now, CancellationToken cancellationToken) =>
        _shards[ShardOf(claim.RunId)].ReleaseClaimAsync(message, claim, interrupted, now, cancellationToken);
}
