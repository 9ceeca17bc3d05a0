namespace FlowForge.Engine.Storage;

/// <summary>One due time of a schedule trigger, claimed by the process that fires it (or passes it over).</summary>
public sealed record TriggerFiring(Guid FlowId, string NodeId, DateTimeOffset DueAt, DateTimeOffset ClaimedAt)
{
    /// <summary>True for the one run started for due times that were missed (missed: runOnce).</summary>
    public bool Missed { get; init; }

    /// <summary>True for due times passed over (missed: skip): claimed so no process fires them, never given a run.</summary>
    public bool PassedOver { get; init; }
}
