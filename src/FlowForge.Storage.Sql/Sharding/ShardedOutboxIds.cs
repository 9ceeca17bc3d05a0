using FlowForge.Engine.Queueing;

namespace FlowForge.Storage.Sql.Sharding;

/// <summary>
/// Outbox ids unique across shards: the shard number in the top bits, the shard's own id below. Shard 0's
/// ids are unchanged, and an acknowledgement finds its shard from the id alone.
/// </summary>
internal static class ShardedOutboxIds
{
    /// <summary>2^52 local ids per shard (a million a second for 140 years), 11 bits of shard, sign bit clear.</summary>
    public const int LocalBits = 52;

    private const long LocalMask = (1L << LocalBits) - 1;

    public static long ToGlobal(int shard, long localId)
    {
        if (localId is < 0 or > LocalMask)
        {
            throw new InvalidOperationException($"Outbox id {localId} of shard {shard} does not fit in {LocalBits} bits.");
        }

        // A message without an outbox row stays without one on every shard.
        return localId == OutboxMessage.NotStored ? OutboxMessage.NotStored : ((long)shard << LocalBits) | localId;
    }

    /// <summary>False for an id no shard of <paramref name="shards"/> can have issued.</summary>
    public static bool TryFromGlobal(long id, int shards, out int shard, out long localId)
    {
        shard = (int)(id >> LocalBits);
        localId = id & LocalMask;
        return id >= 0 && shard < shards;
    }

    public static IReadOnlyList<OutboxMessage> ToGlobal(int shard, IReadOnlyList<OutboxMessage> messages)
    {
        if (shard == 0 || messages.Count == 0)
        {
            return messages;
        }

        var global = new OutboxMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            global[i] = messages[i] with { OutboxId = ToGlobal(shard, messages[i].OutboxId) };
        }

        return global;
    }
}
