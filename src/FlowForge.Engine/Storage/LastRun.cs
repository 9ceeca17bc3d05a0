using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>The newest run of a flow, for listings that show how each flow last went.</summary>
public sealed record LastRun(Guid FlowId, Guid RunId, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);
