namespace FlowForge.Engine.Storage;

/// <summary>One due time of a schedule trigger, claimed by the process that fires it (or passes it over).</summary>
public sealed record TriggerFiring(Guid FlowId, string NodeId, DateTimeOffset DueAt, DateTimeOffset ClaimedAt);
