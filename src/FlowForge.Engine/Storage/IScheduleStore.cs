namespace FlowForge.Engine.Storage;

/// <summary>
/// The due list: the schedule triggers of active flows with their next due time, kept in the store so that every
/// process sees it change in the transaction that activates, deactivates, saves or deletes a flow. A scheduler pass
/// is one indexed query for what is due.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Up to <paramref name="limit"/> rows due at <paramref name="now"/>, unplanned flows first.</summary>
    Task<IReadOnlyList<DueSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>The latest due time claimed per trigger node of the flow (fired or passed over).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> LastFiringsAsync(Guid flowId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the flow's unplanned row for <paramref name="version"/> with its planned triggers; false when that row
    /// is gone (the flow was saved, deactivated or planned by another process meanwhile).
    /// </summary>
    Task<bool> PlanSchedulesAsync(Guid flowId, int version, IReadOnlyList<PlannedSchedule> schedules, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a planned trigger's last handled and next due time, unless its row changed since <paramref name="schedule"/>
    /// was read (another process moved it on, or the flow was saved or deactivated).
    /// </summary>
    Task AdvanceScheduleAsync(DueSchedule schedule, DateTimeOffset baseline, DateTimeOffset nextDueAt, CancellationToken cancellationToken);
}
