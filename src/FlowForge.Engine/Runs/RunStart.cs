namespace FlowForge.Engine.Runs;

/// <summary>The run a start request led to: a new one, or the earlier run of a reused idempotency key.</summary>
public sealed record RunStart(Guid RunId, bool Created, RunStatus Status);
