using System.Collections.Concurrent;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>
/// Wraps the engine's <see cref="INodeRateGate"/> and notes, for each booking of a node type that has a provider, the run and the time its slot was given
/// for (now when the node may run at once), so tests can compare the order nodes ran in with the order of their slots.
/// One recorder can serve several hosts (workers).
/// </summary>
public sealed class BookingRecorder
{
    private readonly ConcurrentQueue<Booking> _bookings = new();

    public IReadOnlyList<Booking> Bookings => [.. _bookings];

    public INodeRateGate Wrap(INodeRateGate gate, TimeProvider time) => new RecordingGate(gate, time, this);

    public sealed record Booking(Guid RunId, string NodeId, DateTimeOffset SlotAt, NodeRateSlot Slot);

    private sealed class RecordingGate(INodeRateGate inner, TimeProvider time, BookingRecorder recorder) : INodeRateGate
    {
        public async ValueTask<NodeRateSlot> ReserveAsync(NodeDescriptor type, NodeContext context, Guid ownerId, CancellationToken cancellationToken)
        {
            var slot = await inner.ReserveAsync(type, context, ownerId, cancellationToken);
            if (type.Provider is null)
            {
                return slot;
            }

            recorder._bookings.Enqueue(new Booking(context.RunId, context.NodeId, slot.DeferUntil ?? time.GetUtcNow(), slot));
            return slot;
        }

        public DateTimeOffset? DeferAfterRefusal(ProviderRateLimitedException refusal, int refusalsSoFar) => inner.DeferAfterRefusal(refusal, refusalsSoFar);
    }
}
