using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Runs spread over two SQLite files: connections live beside the accounts, on shard 0.</summary>
public sealed class ShardedSqliteConnectionStoreTests() : ConnectionStoreCompliance(new ShardedSqliteStorageProvider(shards: 2));
