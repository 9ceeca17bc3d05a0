using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    // A lease that ran out, or the caller's own, is removed first; the insert then succeeds for exactly one holder.
    private static readonly SqlStatement DeleteLapsedLock = new(nameof(DeleteLapsedLock), """
        DELETE FROM Locks WHERE Name = @name AND (ExpiresAt <= @now OR Holder = @holder)
        """);

    private static readonly SqlStatement InsertLock = new(nameof(InsertLock), d => d.InsertOrIgnore(
        "Locks", "Name, Holder, ExpiresAt", "@name, @holder, @expiresAt"));

    private static readonly SqlStatement DeleteHeldLock = new(nameof(DeleteHeldLock), """
        DELETE FROM Locks WHERE Name = @name AND Holder = @holder
        """);

    public Task<bool> TryAcquireLockAsync(string name, string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(DeleteLapsedLock).Bind("@name", a.Name).Bind("@holder", a.Holder).Bind("@now", UnixMicros.From(a.Now)), ct);
            var insert = s.Command(InsertLock).Bind("@name", a.Name).Bind("@holder", a.Holder).Bind("@expiresAt", UnixMicros.From(a.Now + a.Lease));
            return await s.ExecuteAsync(insert, ct) == 1;
        }, (Name: name, Holder: holder, Lease: lease, Now: now), cancellationToken);
    }

    public Task ReleaseLockAsync(string name, string holder, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(DeleteHeldLock).Bind("@name", a.Name).Bind("@holder", a.Holder), ct),
            (Name: name, Holder: holder), cancellationToken);
}
