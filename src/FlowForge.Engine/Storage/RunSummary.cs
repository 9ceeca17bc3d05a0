using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record RunSummary(Guid Id, Guid FlowId, int FlowVersion, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    /// <summary>The run's execution: 1 when it started, one more each time it was reopened.</summary>
    public int Attempt { get; init; } = 1;
}
