using FlowForge.Engine.Graphs;

namespace FlowForge.Engine.Storage;

/// <summary>Ends signal waits. One transaction, like a completion: the node's success and the work it unblocks.</summary>
public interface ISignalStore
{
    /// <summary>
    /// Succeeds a node that waits for a signal, with the signal's body as its output through <c>main</c>, and
    /// readies its children. <see cref="SignalOutcome.NotWaiting"/> (with the node's status) when it is not waiting for one.
    /// </summary>
    Task<SignalResult> SignalNodeAsync(NodeSignal signal, ExecutionPlan plan, CancellationToken cancellationToken);
}
