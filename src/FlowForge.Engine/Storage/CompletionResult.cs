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
    /// True when a completion with <see cref="NodeCompletion.Preceding"/> stopped before its end: a node of the region was
    /// not Ready when its completion came (the run had ended, or a parent was not written before it), or could not be
    /// claimed as its first attempt. What came before is written and reported here, the nodes of the region it made Ready
    /// with their messages; the rest is not, and <see cref="ClaimedChild"/>, when set, is a node to run from its claim.
    /// </summary>
    public bool ChainBroken { get; init; }
}
