namespace FlowForge.Engine.Storage;

/// <summary>
/// One row of the due list: a schedule trigger of an active flow's newest version, with the last due time handled
/// (<see cref="Baseline"/>: fired, passed over, or the activation) and the next one. A row with an empty
/// <see cref="NodeId"/> stands for a whole flow whose triggers are not planned yet (just activated or saved).
/// </summary>
public sealed record DueSchedule(
    Guid FlowId, string NodeId, Guid OwnerId, int Version, string ConfigJson, DateTimeOffset ActivatedAt, DateTimeOffset Baseline, DateTimeOffset NextDueAt)
{
    public bool IsUnplanned => NodeId.Length == 0;
}
