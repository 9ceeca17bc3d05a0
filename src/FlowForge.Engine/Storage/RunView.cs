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

    public Guid OwnerId { get; init; }

    /// <summary>For a child run: the run, node and item that started it.</summary>
    public Guid? ParentRunId { get; init; }

    public string? ParentNodeId { get; init; }

    public int? ItemIndex { get; init; }

    /// <summary>How many runs are above this one: 0 for a run started by a trigger.</summary>
    public int Depth { get; init; }
}
