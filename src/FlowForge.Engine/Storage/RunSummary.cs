using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record RunSummary(Guid Id, Guid FlowId, int FlowVersion, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    /// <summary>The run's execution: 1 when it started, one more each time it was reopened.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>For a child run: the node of its parent that started it, and the item it ran for.</summary>
    public string? ParentNodeId { get; init; }

    public int? ItemIndex { get; init; }
}
