namespace FlowForge.Engine.Queueing;

/// <summary>Implemented by queues that can tell how many messages wait for a worker (the queue depth metric).</summary>
public interface IQueueDepth
{
    ValueTask<long> GetDepthAsync(CancellationToken cancellationToken);
}
