namespace FlowForge.Engine.Storage;

/// <summary>Whether a flow's triggers are live; <see cref="ActivatedAt"/> is when it was last activated.</summary>
public sealed record FlowActivation(Guid FlowId, bool Active, DateTimeOffset? ActivatedAt);
