using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>Finds work that lost its worker or its message. Called at start-up and by a slow sweep, never in a tight loop.</summary>
public interface IRecoveryStore
{
    /// <summary>
    /// Writes fresh messages (through the outbox) for nodes that need one: Running nodes whose lease ended
    /// (all Running nodes when <paramref name="noOtherWorkers"/>: nothing else can own them), and Ready nodes
    /// that have waited longer than <paramref name="readyOlderThan"/>. Outside a sole worker's start, at most
    /// <paramref name="limit"/> nodes, oldest first; a Ready node sent again waits <paramref name="readyOlderThan"/>
    /// before it is sent once more, so one sweep after another reaches the rest instead of the same nodes.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Closes up to <paramref name="limit"/> nodes still open in runs that have already ended (Ready, waiting, or
    /// Running with an expired lease) as Cancelled, with a reason; returns how many it closed.
    /// </summary>
    Task<int> CloseNodesOfEndedRunsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Nodes waiting on a durable timer due before <paramref name="dueBefore"/>, as the messages that resume them.</summary>
    Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken);
}
