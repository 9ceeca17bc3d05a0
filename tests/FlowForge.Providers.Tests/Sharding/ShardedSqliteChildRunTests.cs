using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Child runs over four SQLite shards: each child is placed on its parent's shard, so its end wakes the parent's node.</summary>
public sealed class ShardedSqliteChildRunTests() : ChildRunCompliance(new ShardedSqliteStorageProvider(shards: 4));
