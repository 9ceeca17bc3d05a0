using FlowForge.Engine.Queueing;

namespace FlowForge.Engine.Storage;

/// <summary>What a takeover sweep did: how many silent workers it took over, and the messages that run their nodes again.</summary>
public sealed record WorkerTakeover(int Workers, IReadOnlyList<OutboxMessage> Messages)
{
    public static readonly WorkerTakeover None = new(0, []);
}
