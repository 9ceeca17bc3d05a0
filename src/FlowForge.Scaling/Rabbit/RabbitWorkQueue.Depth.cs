using FlowForge.Engine.Queueing;

namespace FlowForge.Scaling.Rabbit;

public sealed partial class RabbitWorkQueue : IQueueDepth
{
    /// <summary>Messages ready in the work queues of every shard, read on a short-lived channel (a passive declare that fails closes its channel).</summary>
    public async ValueTask<long> GetDepthAsync(CancellationToken cancellationToken)
    {
        var connection = await _publisher.GetAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            long depth = 0;
            for (var shard = 0; shard < _options.Shards; shard++)
            {
                depth += await channel.MessageCountAsync(_options.QueueNameOf(shard), cancellationToken).ConfigureAwait(false);
            }

            return depth;
        }
    }
}
