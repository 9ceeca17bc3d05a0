namespace FlowForge.Engine.Queueing;

/// <summary>
/// A work message written in the same transaction as the state change that caused it. An <see cref="OutboxId"/> of
/// <see cref="NotStored"/> means the store kept no outbox row for it (the in-process queue: the state alone recovers it).
/// </summary>
public sealed record OutboxMessage(long OutboxId, WorkMessage Message)
{
    /// <summary>The id of a message that has no outbox row; every store numbers its rows from 1.</summary>
    public const long NotStored = 0;
}
