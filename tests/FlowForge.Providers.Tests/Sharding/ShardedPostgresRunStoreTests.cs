using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Runs spread over two PostgreSQL databases.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardedPostgresRunStoreTests() : RunStoreCompliance(new PostgresStorageProvider(shards: 2));
