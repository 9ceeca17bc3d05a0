namespace FlowForge.Engine.Queueing;

/// <summary>A work message written in the same transaction as the state change that caused it.</summary>
public sealed record OutboxMessage(long OutboxId, WorkMessage Message);
