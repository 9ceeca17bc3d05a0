using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>The run a start request led to: a new one, or the earlier run of a reused idempotency key.</summary>
public sealed record RunStart(Guid RunId, bool Created, RunStatus Status)
{
    /// <summary>
    /// With <see cref="StartRun.ReturnsFinishedRun"/>: the new run as a read of it returns it, when its creation finished it
    /// (a trigger and pure nodes that all ran before the write); null otherwise.
    /// </summary>
    public RunView? Finished { get; init; }
}
