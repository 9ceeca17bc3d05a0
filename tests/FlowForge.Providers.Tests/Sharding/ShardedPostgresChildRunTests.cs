using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Child runs over two PostgreSQL databases: each child is placed on its parent's shard.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardedPostgresChildRunTests() : ChildRunCompliance(new PostgresStorageProvider(shards: 2));
