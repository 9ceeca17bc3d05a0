using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>Finds work that lost its worker or its message. Called at start-up and by a slow sweep, never in a tight loop.</summary>
public interface IRecoveryStore
{
    /// <summary>
    /// Writes fresh messages (through the outbox) for nodes that need one: Running nodes whose lease ended
    /// (all Running nodes when <paramref name="noOtherWorkers"/>: nothing else can own them), and Ready nodes
    /// that have waited longer than <paramref name="readyOlderThan"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, CancellationToken cancellationToken);

    /// <summary>Nodes waiting on a durable timer due before <paramref name="dueBefore"/>, as the messages that resume them.</summary>
    Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken);
}
