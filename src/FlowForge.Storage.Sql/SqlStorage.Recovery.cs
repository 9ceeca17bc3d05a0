using FlowForge.Engine.Queueing;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement ClearOutbox = new(nameof(ClearOutbox), "DELETE FROM Outbox");

    private static readonly SqlStatement ReadyOrphanedNodes = new(nameof(ReadyOrphanedNodes), """
        UPDATE NodeInstances SET Status = 'Ready', Version = Version + 1, LeaseUntil = NULL, WorkerId = NULL, ReadyAt = @now,
            Interruptions = Interruptions + 1
        WHERE Status = 'Running' AND WaitUntil IS NULL
          AND EXISTS (SELECT 1 FROM Runs r WHERE r.Id = NodeInstances.RunId AND r.Status IN ('Pending', 'Running'))
        """);

    private static readonly SqlStatement SelectAllReadyNodes = new(nameof(SelectAllReadyNodes), """
        SELECT n.RunId, n.NodeId, n.Version, n.IsTrigger, r.FlowId, r.FlowVersion
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Ready' AND r.Status IN ('Pending', 'Running')
        ORDER BY n.ReadyAt
        """);

    private static readonly SqlStatement SelectExpiredLeases = new(nameof(SelectExpiredLeases), """
        SELECT n.RunId, n.NodeId, n.Version, n.IsTrigger, r.FlowId, r.FlowVersion
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Running' AND n.WaitUntil IS NULL AND n.LeaseUntil < @now AND r.Status IN ('Pending', 'Running')
        ORDER BY n.LeaseUntil
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectStaleReadyNodes = new(nameof(SelectStaleReadyNodes), """
        SELECT n.RunId, n.NodeId, n.Version, n.IsTrigger, r.FlowId, r.FlowVersion
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Ready' AND n.ReadyAt < @readyBefore AND r.Status IN ('Pending', 'Running')
        ORDER BY n.ReadyAt
        LIMIT @limit
        """);

    // A resent Ready node goes to the back of the line: the next resend of it waits Engine:ReadyResendAfter again,
    // and the sweeps after this one reach the nodes a bounded batch left out.
    private static readonly SqlStatement MarkReadyResent = new(nameof(MarkReadyResent), """
        UPDATE NodeInstances SET ReadyAt = @now WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Ready'
        """);

    // Nodes still open in a run that has ended: the run's end closed what it could see, but a node whose worker was
    // lost stays Running, and nothing would ever claim it. Each query follows one of the partial indexes.
    private static readonly SqlStatement SelectReadyNodesOfEndedRuns = new(nameof(SelectReadyNodesOfEndedRuns), """
        SELECT n.RunId, n.NodeId, n.Version, r.Status
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Ready' AND n.ReadyAt < @now AND r.Status IN ('Succeeded', 'Failed', 'Cancelled')
        ORDER BY n.ReadyAt
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectLostNodesOfEndedRuns = new(nameof(SelectLostNodesOfEndedRuns), """
        SELECT n.RunId, n.NodeId, n.Version, r.Status
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Running' AND n.WaitUntil IS NULL AND n.LeaseUntil < @now AND r.Status IN ('Succeeded', 'Failed', 'Cancelled')
        ORDER BY n.LeaseUntil
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectWaitingNodesOfEndedRuns = new(nameof(SelectWaitingNodesOfEndedRuns), """
        SELECT n.RunId, n.NodeId, n.Version, r.Status
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Running' AND n.WaitUntil IS NOT NULL AND r.Status IN ('Succeeded', 'Failed', 'Cancelled')
        ORDER BY n.WaitUntil
        LIMIT @limit
        """);

    private static readonly SqlStatement[] OpenNodesOfEndedRuns = [SelectLostNodesOfEndedRuns, SelectWaitingNodesOfEndedRuns, SelectReadyNodesOfEndedRuns];

    private static readonly SqlStatement CloseNodeOfEndedRun = new(nameof(CloseNodeOfEndedRun), """
        UPDATE NodeInstances
        SET Status = 'Cancelled', Version = Version + 1, FinishedAt = @at, LeaseUntil = NULL, WaitUntil = NULL, WaitKind = NULL,
            WorkerId = NULL, Error = @error
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status IN ('Ready', 'Running')
        """);

    private static readonly SqlStatement SelectDueTimers = new(nameof(SelectDueTimers), """
        SELECT n.RunId, n.NodeId, n.Version, n.WaitUntil, r.FlowId, r.FlowVersion
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.Status = 'Running' AND n.WaitUntil IS NOT NULL AND n.WaitUntil < @dueBefore AND r.Status IN ('Pending', 'Running')
        ORDER BY n.WaitUntil
        """);

    public Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(
        DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, int limit, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            List<WorkMessage> needed;
            if (a.NoOtherWorkers)
            {
                // Nothing else can hold a claim or a message: start from the state alone.
                await s.ExecuteAsync(s.Command(ClearOutbox), ct);
                await s.ExecuteAsync(s.Command(ReadyOrphanedNodes).Bind("@now", a.Now), ct);
                needed = await ReadRequeueCandidatesAsync(s, s.Command(SelectAllReadyNodes), ct);
            }
            else
            {
                // The claim takes an expired lease over as a new attempt, at the version the message carries.
                needed = await ReadRequeueCandidatesAsync(s, s.Command(SelectExpiredLeases).Bind("@now", a.Now).Bind("@limit", a.Limit), ct);
                if (needed.Count < a.Limit)
                {
                    var stale = await ReadRequeueCandidatesAsync(
                        s, s.Command(SelectStaleReadyNodes).Bind("@readyBefore", a.ReadyBefore).Bind("@limit", a.Limit - needed.Count), ct);
                    var resent = s.Command(MarkReadyResent);
                    foreach (var message in stale)
                    {
                        resent.Bind("@now", a.Now).Bind("@runId", message.RunId).Bind("@nodeId", message.NodeId).Bind("@version", message.Version);
                        await s.ExecuteAsync(resent, ct);
                    }

                    needed.AddRange(stale);
                }
            }

            var written = new List<OutboxMessage>(needed.Count);
            foreach (var message in needed)
            {
                written.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
            }

            return (IReadOnlyList<OutboxMessage>)written;
        }, (Now: UnixMicros.From(now), NoOtherWorkers: noOtherWorkers, ReadyBefore: UnixMicros.From(now - readyOlderThan), Limit: Math.Max(0, limit)), cancellationToken);

    public Task<int> CloseNodesOfEndedRunsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var open = new List<(Guid RunId, string NodeId, long Version, string RunStatus)>();
            foreach (var select in OpenNodesOfEndedRuns)
            {
                if (open.Count >= a.Limit)
                {
                    break;
                }

                var command = s.Command(select).Bind("@limit", a.Limit - open.Count);
                if (select != SelectWaitingNodesOfEndedRuns)
                {
                    command.Bind("@now", a.Now);
                }

                await using var reader = await s.ReaderAsync(command, ct);
                while (await reader.ReadAsync(ct))
                {
                    open.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
                }
            }

            var closed = 0;
            var close = s.Command(CloseNodeOfEndedRun);
            foreach (var (runId, nodeId, version, runStatus) in open)
            {
                close.Bind("@at", a.Now).Bind("@error", $"The run had already ended ({runStatus}) while this node was still open; recovery closed it.")
                    .Bind("@runId", runId).Bind("@nodeId", nodeId).Bind("@version", version);
                closed += await s.ExecuteAsync(close, ct);
            }

            return closed;
        }, (Now: UnixMicros.From(now), Limit: Math.Max(0, limit)), cancellationToken);

    public Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, dueBefore, ct) =>
        {
            var timers = new List<(WorkMessage, DateTimeOffset)>();
            await using var reader = await s.ReaderAsync(s.Command(SelectDueTimers).Bind("@dueBefore", dueBefore), ct);
            while (await reader.ReadAsync(ct))
            {
                var message = new WorkMessage(
                    WorkKind.ExecuteNode, reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(4), reader.GetInt32(5));
                timers.Add((message, reader.GetTime(3)));
            }

            return (IReadOnlyList<(WorkMessage, DateTimeOffset)>)timers;
        }, UnixMicros.From(dueBefore), cancellationToken);

    private static async ValueTask<List<WorkMessage>> ReadRequeueCandidatesAsync(SqlSession s, System.Data.Common.DbCommand command, CancellationToken ct)
    {
        var messages = new List<WorkMessage>();
        await using var reader = await s.ReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            // IsTrigger is a 0/1 integer in every dialect (PostgreSQL's boolean would refuse the literal 1).
            var kind = reader.GetInt32(3) != 0 ? WorkKind.StartFlow : WorkKind.ExecuteNode;
            messages.Add(new WorkMessage(kind, reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(4), reader.GetInt32(5)));
        }

        return messages;
    }
}
