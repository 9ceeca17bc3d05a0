using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    // The due list follows the flow in the same transaction as the change: activating or saving an active flow replaces
    // its rows with one unplanned row (NodeId '', due at once) that the next scheduler pass plans; deactivating or
    // deleting it removes them.
    private static readonly SqlStatement DeleteScheduleRows = new(nameof(DeleteScheduleRows), """
        DELETE FROM ScheduleTriggers WHERE FlowId = @id
        """);

    private static readonly SqlStatement InsertUnplannedSchedule = new(nameof(InsertUnplannedSchedule), """
        INSERT INTO ScheduleTriggers (FlowId, NodeId, OwnerId, Version, Config, ActivatedAt, Baseline, NextDueAt)
        SELECT Id, '', OwnerId, CurrentVersion, '', COALESCE(ActivatedAt, 0), COALESCE(ActivatedAt, 0), 0
        FROM Flows WHERE Id = @id AND Active = 1 AND DeletedAt IS NULL
        """);

    private static readonly SqlStatement SelectDueSchedules = new(nameof(SelectDueSchedules), """
        SELECT FlowId, NodeId, OwnerId, Version, Config, ActivatedAt, Baseline, NextDueAt
        FROM ScheduleTriggers WHERE NextDueAt <= @now
        ORDER BY NextDueAt
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectLastFirings = new(nameof(SelectLastFirings), """
        SELECT NodeId, MAX(DueAt) FROM TriggerFirings WHERE FlowId = @flowId GROUP BY NodeId
        """);

    private static readonly SqlStatement SelectUnplannedSchedule = new(nameof(SelectUnplannedSchedule), """
        SELECT OwnerId, ActivatedAt FROM ScheduleTriggers WHERE FlowId = @flowId AND NodeId = '' AND Version = @version
        """);

    private static readonly SqlStatement DeleteUnplannedSchedule = new(nameof(DeleteUnplannedSchedule), """
        DELETE FROM ScheduleTriggers WHERE FlowId = @flowId AND NodeId = '' AND Version = @version
        """);

    private static readonly SqlStatement InsertPlannedSchedule = new(nameof(InsertPlannedSchedule), """
        INSERT INTO ScheduleTriggers (FlowId, NodeId, OwnerId, Version, Config, ActivatedAt, Baseline, NextDueAt)
        VALUES (@flowId, @nodeId, @ownerId, @version, @config, @activatedAt, @baseline, @nextDueAt)
        """);

    private static readonly SqlStatement UpdateScheduleDue = new(nameof(UpdateScheduleDue), """
        UPDATE ScheduleTriggers SET Baseline = @baseline, NextDueAt = @nextDueAt
        WHERE FlowId = @flowId AND NodeId = @nodeId AND Version = @version AND NextDueAt = @expected
        """);

    public Task<IReadOnlyList<DueSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var due = new List<DueSchedule>();
            await using var reader = await s.ReaderAsync(s.Command(SelectDueSchedules).Bind("@now", UnixMicros.From(a.Now)).Bind("@limit", a.Limit), ct);
            while (await reader.ReadAsync(ct))
            {
                due.Add(new DueSchedule(
                    reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3), reader.GetString(4),
                    reader.GetTime(5), reader.GetTime(6), reader.GetTime(7)));
            }

            return (IReadOnlyList<DueSchedule>)due;
        }, (Now: now, Limit: limit), cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> LastFiringsAsync(Guid flowId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            await using var reader = await s.ReaderAsync(s.Command(SelectLastFirings).Bind("@flowId", a), ct);
            while (await reader.ReadAsync(ct))
            {
                last[reader.GetString(0)] = UnixMicros.ToTime(Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
            }

            return (IReadOnlyDictionary<string, DateTimeOffset>)last;
        }, flowId, cancellationToken);

    public Task<bool> PlanSchedulesAsync(Guid flowId, int version, IReadOnlyList<PlannedSchedule> schedules, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            // Read before the delete: the unplanned row carries the owner and activation time the planned rows keep.
            Guid ownerId;
            long activatedAt;
            await using (var reader = await s.ReaderAsync(s.Command(SelectUnplannedSchedule).Bind("@flowId", a.FlowId).Bind("@version", a.Version), ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    return false;
                }

                ownerId = reader.GetGuid(0);
                activatedAt = reader.GetInt64(1);
            }

            if (await s.ExecuteAsync(s.Command(DeleteUnplannedSchedule).Bind("@flowId", a.FlowId).Bind("@version", a.Version), ct) == 0)
            {
                return false;
            }

            foreach (var schedule in a.Schedules)
            {
                var insert = s.Command(InsertPlannedSchedule)
                    .Bind("@flowId", a.FlowId)
                    .Bind("@nodeId", schedule.NodeId)
                    .Bind("@ownerId", ownerId)
                    .Bind("@version", a.Version)
                    .Bind("@config", schedule.ConfigJson)
                    .Bind("@activatedAt", activatedAt)
                    .Bind("@baseline", UnixMicros.From(schedule.Baseline))
                    .Bind("@nextDueAt", UnixMicros.From(schedule.NextDueAt));
                await s.ExecuteAsync(insert, ct);
            }

            return true;
        }, (FlowId: flowId, Version: version, Schedules: schedules), cancellationToken);

    public Task AdvanceScheduleAsync(DueSchedule schedule, DateTimeOffset baseline, DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var update = s.Command(UpdateScheduleDue)
                .Bind("@baseline", UnixMicros.From(a.Baseline))
                .Bind("@nextDueAt", UnixMicros.From(a.NextDueAt))
                .Bind("@flowId", a.Schedule.FlowId)
                .Bind("@nodeId", a.Schedule.NodeId)
                .Bind("@version", a.Schedule.Version)
                .Bind("@expected", UnixMicros.From(a.Schedule.NextDueAt));
            return await s.ExecuteAsync(update, ct);
        }, (Schedule: schedule, Baseline: baseline, NextDueAt: nextDueAt), cancellationToken);

    /// <summary>Replaces the flow's due-list rows: none when it is inactive or deleted, else one unplanned row for its newest version.</summary>
    private static async ValueTask ResetSchedulesAsync(SqlSession s, Guid flowId, CancellationToken ct)
    {
        await s.ExecuteAsync(s.Command(DeleteScheduleRows).Bind("@id", flowId), ct);
        await s.ExecuteAsync(s.Command(InsertUnplannedSchedule).Bind("@id", flowId), ct);
    }
}
