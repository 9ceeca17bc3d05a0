using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// The outcome of writing a run. When the idempotency key was already used, <see cref="Created"/> is
/// false and <see cref="RunId"/> names the earlier run (no messages).
/// </summary>
public sealed record RunCreation(Guid RunId, bool Created, RunStatus Status, IReadOnlyList<OutboxMessage> Messages)
{
    /// <summary>Nodes that ended as the run was written: the triggers it did not start at and what only they reach (Skipped).</summary>
    public IReadOnlyList<NodeStateChange> Changes { get; init; } = [];
}
