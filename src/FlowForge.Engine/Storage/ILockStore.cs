namespace FlowForge.Engine.Storage;

/// <summary>
/// Named locks shared by every process: a lease with an expiry, so a process that dies holding one does not hold it
/// for ever. Used where exactly one process may do something at a time (refreshing one connection's OAuth token).
/// </summary>
public interface ILockStore
{
    /// <summary>
    /// Takes lock <paramref name="name"/> for <paramref name="holder"/> for <paramref name="lease"/>; false when another
    /// holder has it and its lease has not run out. A holder that has it already gets it again with a new lease.
    /// </summary>
    Task<bool> TryAcquireLockAsync(string name, string holder, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Gives lock <paramref name="name"/> back when <paramref name="holder"/> still holds it; another holder's lease is left alone.</summary>
    Task ReleaseLockAsync(string name, string holder, CancellationToken cancellationToken);
}
