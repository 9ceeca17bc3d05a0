namespace FlowForge.Engine.Storage;

/// <summary>A schedule trigger node of a flow version as the scheduler planned it: its config, the last due time handled and the next.</summary>
public sealed record PlannedSchedule(string NodeId, string ConfigJson, DateTimeOffset Baseline, DateTimeOffset NextDueAt);
