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

    /// <summary>
    /// A worker has a row on every shard: it counts once, as the most shards that took it over. A shard that fails is
    /// logged and taken over at a later beat; the others go on.
    /// </summary>
    public async Task<WorkerTakeover> TakeOverSilentWorkersAsync(DateTimeOffset silentSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var taken = await OnEveryAvailableShardAsync("Taking over silent workers", s => s.TakeOverSilentWorkersAsync(silentSince, now, cancellationToken), cancellationToken);
        var messages = new List<OutboxMessage>(taken.Sum(t => t.Result.Messages.Count));
        foreach (var (shard, takeover) in taken)
        {
            messages.AddRange(ShardedOutboxIds.ToGlobal(shard, takeover.Messages));
        }

        return new WorkerTakeover(taken.Max(t => t.Result.Workers), messages);
    }

    public Task<WorkMessage?> ReleaseClaimAsync(WorkMessage message, ClaimedNode claim, bool interrupted, DateTimeOffset now, CancellationToken cancellationToken) =>
        _shards[ShardOf(claim.RunId)].ReleaseClaimAsync(message, claim, interrupted, now, cancellationToken);
}
