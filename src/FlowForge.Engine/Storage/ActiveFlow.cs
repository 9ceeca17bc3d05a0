namespace FlowForge.Engine.Storage;

/// <summary>An active flow's newest version, as the scheduler reads it.</summary>
public sealed record ActiveFlow(Guid FlowId, Guid OwnerId, int Version, string Json, DateTimeOffset ActivatedAt);
