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

    /// <summary>
    /// True when the run was written with its trigger already Succeeded (<see cref="NewRun.TriggerOutputJson"/>): the run is
    /// Running, <see cref="TriggerChanges"/> lists the trigger and the children it made Ready or Skipped, and
    /// <see cref="Messages"/> are those children's.
    /// </summary>
    public bool TriggerCompleted { get; init; }

    /// <summary>With <see cref="TriggerCompleted"/>: the trigger's end and what it changed, in order.</summary>
    public IReadOnlyList<NodeStateChange> TriggerChanges { get; init; } = [];

    /// <summary>With <see cref="TriggerCompleted"/>: the run's final status when the trigger alone ended it.</summary>
    public RunStatus? RunFinished { get; init; }

    /// <summary>
    /// With <see cref="NewRun.ClaimChild"/>: the trigger's child claimed for the starting process (Running under its worker's
    /// lease, no message, not in <see cref="TriggerChanges"/>), with the trigger's output as its input. Its
    /// <see cref="ClaimedNode.RunInput"/> is left to the caller, who holds it. Null when no child was made Ready.
    /// </summary>
    public ClaimedNode? ClaimedChild { get; init; }
}
