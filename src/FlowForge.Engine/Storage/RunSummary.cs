using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record RunSummary(Guid Id, Guid FlowId, int FlowVersion, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);
