using FlowForge.Engine.Nodes;

namespace FlowForge.Engine.Limits;

/// <summary>
/// The engine's pacing of nodes that act on another app: before such a node runs, one call is booked in its provider's
/// budget and its connection's, and a node whose slot is later waits for it on a durable timer; a provider's own 429
/// defers the node the same way. Node types only declare their provider; this is where the limits are applied.
/// </summary>
public interface INodeRateGate
{
    /// <summary>
    /// Books the execution's call when its type has a provider and its config names a <c>connectionId</c>;
    /// <see cref="NodeRateSlot.Now"/> for any other node. Callers are given slots in the order they asked.
    /// </summary>
    ValueTask<NodeRateSlot> ReserveAsync(NodeDescriptor type, NodeContext context, Guid ownerId, CancellationToken cancellationToken);

    /// <summary>
    /// When to run a node again that the provider refused with 429, after <paramref name="refusalsSoFar"/> such refusals
    /// in a row; null when it should not be deferred again (then the refusal is a failed attempt).
    /// </summary>
    DateTimeOffset? DeferAfterRefusal(ProviderRateLimitedException refusal, int refusalsSoFar);
}
