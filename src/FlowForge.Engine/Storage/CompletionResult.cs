using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// What committing a completion changed: the messages to dispatch (children made Ready), every node
/// whose status changed as a consequence, and the run's final status when this completion ended it.
/// <see cref="Applied"/> is false for a stale completion (the claim was lost); nothing changed then.
/// </summary>
public sealed record CompletionResult(bool Applied, IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<NodeStateChange> Changes, RunStatus? RunFinished)
{
    public static readonly CompletionResult Stale = new(false, [], [], null);

    /// <summary>
    /// The child claimed for <see cref="NodeCompletion.ClaimChild"/>: no message was written for it and it is not in
    /// <see cref="Changes"/> (it is Running for the worker). Its dependency outputs are the completing node's result and
    /// the other dependencies' outputs read in the same transaction; its <see cref="ClaimedNode.RunInput"/> is left to the
    /// caller, who holds it already.
    /// </summary>
    public ClaimedNode? ClaimedChild { get; init; }

    /// <summary>
    /// True when a completion with <see cref="NodeCompletion.Preceding"/> stopped before its end: the claim one of them made
    /// was not the next node's first attempt (or made none, the run having ended). What came before is written and
    /// reported here; the rest is not, and <see cref="ClaimedChild"/>, when set, is the node to run (again) from its claim.
    /// </summary>
    public bool ChainBroken { get; init; }
}
