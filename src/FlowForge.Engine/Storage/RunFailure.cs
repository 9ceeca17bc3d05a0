namespace FlowForge.Engine.Storage;

/// <summary>A top-level run that finished Failed: what notifications say about it. <paramref name="Attempt"/> tells a reopened run's new failure apart.</summary>
public sealed record RunFailure(Guid RunId, int Attempt, Guid FlowId, string FlowName, string? Error, DateTimeOffset At);
