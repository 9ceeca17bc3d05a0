using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Providers.Tests.Sharding;

public sealed class RunShardsTests
{
    // Computed independently (FNV-1a 64 over the RFC 4122 bytes, modulo the shard count). A change here would
    // send every process looking for existing runs on the wrong shard.
    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", 1, 0, 5)]
    [InlineData("01a21fe4-1f9a-7966-bc4e-cab5141234e4", 0, 0, 10)]
    [InlineData("f47ac10b-58cc-4372-a567-0e02b2c3d479", 0, 1, 10)]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", 1, 0, 5)]
    public void ShardOf_KnownIds_NeverChanges(string runId, int ofTwo, int ofThree, int ofSixteen)
    {
        var id = Guid.Parse(runId);

        Assert.Equal(ofTwo, RunShards.ShardOf(id, 2));
        Assert.Equal(ofThree, RunShards.ShardOf(id, 3));
        Assert.Equal(ofSixteen, RunShards.ShardOf(id, 16));
        Assert.Equal(0, RunShards.ShardOf(id, 1));
    }

    [Fact]
    public void ShardOf_TimeOrderedIds_SpreadEvenly()
    {
        var counts = new int[4];
        for (var i = 0; i < 40_000; i++)
        {
            counts[RunShards.ShardOf(Guid.CreateVersion7(), counts.Length)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 9_000, 11_000));
    }

    [Theory]
    [InlineData(0, 1L)]
    [InlineData(1, 17L)]
    [InlineData(1023, (1L << 52) - 1)]
    public void OutboxIds_RoundTripShardAndLocalId(int shard, long localId)
    {
        var global = ShardedOutboxIds.ToGlobal(shard, localId);

        Assert.True(global > 0);
        Assert.True(ShardedOutboxIds.TryFromGlobal(global, 1024, out var decodedShard, out var decodedLocal));
        Assert.Equal((shard, localId), (decodedShard, decodedLocal));
        Assert.Equal(shard == 0, global == localId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1023)]
    public void OutboxIds_MessageWithoutRow_StaysWithoutRowOnEveryShard(int shard)
    {
        // The embedded default writes no outbox rows: a shard's number must not turn "no row" into a row id.
        Assert.Equal(OutboxMessage.NotStored, ShardedOutboxIds.ToGlobal(shard, OutboxMessage.NotStored));
    }

    [Fact]
    public void OutboxIds_OfShardBeyondTheStore_AreNotAccepted()
    {
        Assert.False(ShardedOutboxIds.TryFromGlobal(ShardedOutboxIds.ToGlobal(2, 5), 2, out _, out _));
        Assert.False(ShardedOutboxIds.TryFromGlobal(-5, 2, out _, out _));
    }
}
