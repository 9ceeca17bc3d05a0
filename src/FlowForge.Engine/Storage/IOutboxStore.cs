using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>Messages committed with state changes and not yet handed to the queue.</summary>
public interface IOutboxStore
{
    /// <summary>The oldest undelivered messages (at start-up and by the slow sweep; the hot path hands messages over directly).</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The messages among <paramref name="outboxIds"/> that are still in the outbox, oldest first (a process reading back
    /// the rows it left there when its publishes were full); an id with no row is left out.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken);

    /// <summary>
    /// How many messages wait, counted up to <paramref name="cap"/> (the outbox lag gauge): an index-only count that stops at
    /// the cap, so a long outbox costs no more than a short one.
    /// </summary>
    Task<int> CountPendingAsync(int cap, CancellationToken cancellationToken);

    /// <summary>Removes messages the queue has accepted.</summary>
    Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken);
}
