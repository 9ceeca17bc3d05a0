using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Blobs of runs spread over two SQLite files, each beside its own database.</summary>
public sealed class ShardedSqliteBlobStoreTests() : BlobStoreCompliance(new ShardedSqliteStorageProvider(shards: 2));
