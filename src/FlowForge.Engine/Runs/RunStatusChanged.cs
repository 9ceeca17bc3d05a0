namespace FlowForge.Engine.Runs;

public sealed record RunStatusChanged(Guid RunId, RunStatus Status, string? Error, DateTimeOffset At) : RunEvent(RunId, At);
