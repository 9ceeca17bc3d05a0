using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>The run's status after a cancel request, and the nodes it cancelled. Null from the store when the run does not exist for the owner.</summary>
public sealed record CancelResult(RunStatus Status, bool Changed, IReadOnlyList<NodeStateChange> Changes)
{
    /// <summary>Child runs (and theirs) cancelled with it, in the same transaction.</summary>
    public IReadOnlyList<Guid> CancelledChildRuns { get; init; } = [];

    /// <summary>Messages the cancel caused: when the cancelled run is a child, the wake-up of the node waiting for it.</summary>
    public IReadOnlyList<Queueing.OutboxMessage> Messages { get; init; } = [];
}
