using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement BeatWorker = new(nameof(BeatWorker), """
        UPDATE Workers SET HeartbeatAt = @now WHERE Id = @workerId
        """);

    private static readonly SqlStatement InsertWorker = new(nameof(InsertWorker), """
        INSERT INTO Workers (Id, StartedAt, HeartbeatAt) VALUES (@workerId, @now, @now)
        """);

    // On the server databases a node row another transaction holds (a completion or claim in a group-commit batch) is
    // skipped: that transaction is changing the node anyway, and waiting for it while it waits for a row this beat locked
    // is a deadlock (PostgreSQL finds it only after deadlock_timeout; InnoDB rolls back a whole batch). A skipped lease is
    // renewed by the next beat, long before it runs out. MariaDB takes no subquery on the table it updates, but does take
    // a joined derived table, which it reads (and locks, skipping held rows) first, then reaches each row by its key.
    private static readonly SqlStatement RenewWorkerLeases = new(nameof(RenewWorkerLeases), d => d switch
    {
        PostgresDialect => """
            UPDATE NodeInstances SET LeaseUntil = @leaseUntil
            WHERE (RunId, NodeId) IN (
                SELECT RunId, NodeId FROM NodeInstances
                WHERE WorkerId = @workerId AND Status = 'Running' AND WaitUntil IS NULL
                FOR UPDATE SKIP LOCKED)
            """,
        MySqlDialect => """
            UPDATE (
                SELECT RunId, NodeId FROM NodeInstances
                WHERE WorkerId = @workerId AND Status = 'Running' AND WaitUntil IS NULL
                FOR UPDATE SKIP LOCKED) AS l
            STRAIGHT_JOIN NodeInstances AS n FORCE INDEX (PRIMARY) ON n.RunId = l.RunId AND n.NodeId = l.NodeId
            SET n.LeaseUntil = @leaseUntil
            """,
        _ => """
            UPDATE NodeInstances SET LeaseUntil = @leaseUntil
            WHERE WorkerId = @workerId AND Status = 'Running' AND WaitUntil IS NULL
            """,
    });

    private static readonly SqlStatement SelectSilentWorkers = new(nameof(SelectSilentWorkers), """
        SELECT Id FROM Workers WHERE HeartbeatAt < @silentSince ORDER BY HeartbeatAt
        """);

    private static readonly SqlStatement CountLiveWorkers = new(nameof(CountLiveWorkers), """
        SELECT COUNT(*) FROM Workers WHERE HeartbeatAt >= @silentSince
        """);

    private static readonly SqlStatement DeleteSilentWorker = new(nameof(DeleteSilentWorker), """
        DELETE FROM Workers WHERE Id = @workerId AND HeartbeatAt < @silentSince
        """);

    private static readonly SqlStatement SelectWorkerNodes = new(nameof(SelectWorkerNodes), """
        SELECT n.RunId, n.NodeId, n.Version, n.IsTrigger, r.FlowId, r.FlowVersion
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.WorkerId = @workerId AND n.Status = 'Running' AND n.WaitUntil IS NULL AND r.Status IN ('Pending', 'Running')
        """);

    private static readonly SqlStatement ReadyInterruptedNode = new(nameof(ReadyInterruptedNode), """
        UPDATE NodeInstances
        SET Status = 'Ready', Version = Version + 1, LeaseUntil = NULL, WorkerId = NULL, ReadyAt = @now, Interruptions = Interruptions + 1
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement ReleaseReadyClaim = new(nameof(ReleaseReadyClaim), """
        UPDATE NodeInstances
        SET Status = 'Ready', Version = Version + 1, Attempt = @attempt, LeaseUntil = NULL, WorkerId = NULL, ReadyAt = @now,
            Interruptions = Interruptions + @interrupted
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    private static readonly SqlStatement ReleaseTimerClaim = new(nameof(ReleaseTimerClaim), """
        UPDATE NodeInstances
        SET Version = Version + 1, LeaseUntil = NULL, WorkerId = NULL, WaitUntil = @waitUntil, Interruptions = Interruptions + @interrupted
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    /// <summary>How many silent workers one sweep takes over; the rest wait for the next beat.</summary>
    private const int TakeoverBatch = 16;

    public Task<int> HeartbeatAsync(Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            if (await s.ExecuteAsync(s.Command(BeatWorker).Bind("@workerId", a.WorkerId).Bind("@now", a.Now), ct) == 0)
            {
                await s.ExecuteAsync(s.Command(InsertWorker).Bind("@workerId", a.WorkerId).Bind("@now", a.Now), ct);
            }

            return await s.ExecuteAsync(s.Command(RenewWorkerLeases).Bind("@leaseUntil", a.LeaseUntil).Bind("@workerId", a.WorkerId), ct);
        }, (WorkerId: workerId, Now: UnixMicros.From(now), LeaseUntil: UnixMicros.From(leaseUntil)), cancellationToken);

    public async Task<WorkerTakeover> TakeOverSilentWorkersAsync(DateTimeOffset silentSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The table holds one row per live process: reading it is cheap, and most beats find nobody silent. Where the
        // workers share the group-commit writers, the same read counts the live ones, so each worker's share follows
        // the workers that come and go within a beat or two.
        var writer = (_executor as PooledSqlExecutor)?.Writer is { SharesWriters: true } shared ? shared : null;
        var (silent, live) = await _executor.ReadAsync(static async (s, a, ct) =>
        {
            var ids = new List<Guid>();
            await using (var reader = await s.ReaderAsync(s.Command(SelectSilentWorkers).Bind("@silentSince", a.SilentSince), ct))
            {
                while (await reader.ReadAsync(ct) && ids.Count < TakeoverBatch)
                {
                    ids.Add(reader.GetGuid(0));
                }
            }

            var live = a.CountLive
                ? Convert.ToInt32(await s.ScalarAsync(s.Command(CountLiveWorkers).Bind("@silentSince", a.SilentSince), ct), System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            return (ids, live);
        }, (SilentSince: UnixMicros.From(silentSince), CountLive: writer is not null), cancellationToken);

        writer?.ShareAmong(live);

        if (silent.Count == 0)
        {
            return WorkerTakeover.None;
        }

        var messages = new List<OutboxMessage>();
        var workers = 0;
        foreach (var workerId in silent)
        {
            var taken = await _executor.WriteAsync(TakeOverCoreAsync, (WorkerId: workerId, SilentSince: UnixMicros.From(silentSince), Now: UnixMicros.From(now)), cancellationToken);
            if (taken is not null)
            {
                workers++;
                messages.AddRange(taken);
            }
        }

        return new WorkerTakeover(workers, messages);
    }

    /// <summary>Null when another sweep took the worker over first.</summary>
    private static async ValueTask<IReadOnlyList<OutboxMessage>?> TakeOverCoreAsync(SqlSession s, (Guid WorkerId, long SilentSince, long Now) a, CancellationToken ct)
    {
        // Removing the row decides who takes the worker over: a concurrent sweep deletes nothing and stops here.
        if (await s.ExecuteAsync(s.Command(DeleteSilentWorker).Bind("@workerId", a.WorkerId).Bind("@silentSince", a.SilentSince), ct) == 0)
        {
            return null;
        }

        var held = await ReadRequeueCandidatesAsync(s, s.Command(SelectWorkerNodes).Bind("@workerId", a.WorkerId), ct);
        var written = new List<OutboxMessage>(held.Count);
        foreach (var message in held)
        {
            var ready = s.Command(ReadyInterruptedNode)
                .Bind("@now", a.Now)
                .Bind("@runId", message.RunId)
                .Bind("@nodeId", message.NodeId)
                .Bind("@version", message.Version);
            if (await s.ExecuteAsync(ready, ct) == 1)
            {
                var next = message with { Version = message.Version + 1 };
                written.Add(new OutboxMessage(await InsertOutboxAsync(s, next, ct), next));
            }
        }

        return written;
    }

    public Task<WorkMessage?> ReleaseClaimAsync(WorkMessage message, ClaimedNode claim, bool interrupted, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var (message, claim, interrupted, now) = a;
            // Only a claim that ended a time wait goes back to it; ResumedFromWaitUntil alone also tells of a wait that
            // ended at an earlier claim, and going back to that would turn a retry or a new wait into a time wait.
            var release = claim is { ClaimedFromTimer: true, ResumedFromWaitUntil: { } due }
                ? s.Command(ReleaseTimerClaim).Bind("@waitUntil", UnixMicros.From(due))
                : s.Command(ReleaseReadyClaim).Bind("@attempt", Math.Max(0, claim.Attempt - 1)).Bind("@now", now);
            release.Bind("@interrupted", interrupted ? 1 : 0).Bind("@runId", claim.RunId).Bind("@nodeId", claim.NodeId).Bind("@version", claim.Version);
            if (await s.ExecuteAsync(release, ct) == 0)
            {
                return null;
            }

            // A timer's claim goes back to its timer; anything else claims the node from Ready, as its first message did.
            return (WorkMessage?)(message with { Version = claim.Version + 1 });
        }, (message, claim, interrupted, UnixMicros.From(now)), cancellationToken);
}
