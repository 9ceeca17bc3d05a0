using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Runs spread over two SQLite files: every shard keeps its own worker rows.</summary>
public sealed class ShardedSqliteWorkerStoreTests() : WorkerStoreCompliance(new ShardedSqliteStorageProvider(shards: 2));
