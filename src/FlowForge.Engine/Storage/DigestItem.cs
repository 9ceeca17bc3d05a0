namespace FlowForge.Engine.Storage;

/// <summary>One failure waiting in a user's next email digest.</summary>
public sealed record DigestItem(Guid FlowId, string FlowName, Guid RunId, string? Error, DateTimeOffset At);
