namespace FlowForge.Engine.Runs;

public sealed record NodeStatusChanged(Guid RunId, string NodeId, NodeStatus Status, string? Error, DateTimeOffset At) : RunEvent(RunId, At);
