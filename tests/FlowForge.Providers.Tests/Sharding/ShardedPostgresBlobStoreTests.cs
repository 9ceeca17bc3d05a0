using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Blobs of runs spread over two PostgreSQL databases, each in its shard's Blobs table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardedPostgresBlobStoreTests() : BlobStoreCompliance(new PostgresStorageProvider(shards: 2));
