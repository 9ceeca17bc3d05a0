using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record RunView(
    Guid Id,
    Guid FlowId,
    int FlowVersion,
    RunStatus Status,
    string InputJson,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<NodeInstanceView> Nodes)
{
    /// <summary>The run's execution: 1 when it started, one more each time it was reopened.</summary>
    public int Attempt { get; init; } = 1;
}
