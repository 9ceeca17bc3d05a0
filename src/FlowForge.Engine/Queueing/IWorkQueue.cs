namespace FlowForge.Engine.Queueing;

/// <summary>
/// Carries work messages to workers. The database is the source of truth; the queue only wakes
/// workers, so a message may arrive twice or (after a crash of an in-process queue) be re-created from state.
/// </summary>
public interface IWorkQueue
{
    /// <summary>Returns once the queue has accepted every message durably (publisher confirms where the queue has them).</summary>
    ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers messages to <paramref name="handler"/> with up to <paramref name="parallelism"/> at once until
    /// cancelled. A message is acknowledged only after its handler returns.
    /// </summary>
    Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken);

    /// <summary>True when the queue can accept and deliver messages (health checks).</summary>
    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);
}
