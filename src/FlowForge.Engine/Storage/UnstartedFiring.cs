namespace FlowForge.Engine.Storage;

/// <summary>A schedule firing claimed to start a run that has no run recorded: its process may have stopped before starting it.</summary>
public sealed record UnstartedFiring(Guid FlowId, Guid OwnerId, string NodeId, DateTimeOffset DueAt, DateTimeOffset ClaimedAt, bool Missed);
