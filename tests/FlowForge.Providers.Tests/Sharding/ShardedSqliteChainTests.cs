using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Runs spread over two SQLite files.</summary>
public sealed class ShardedSqliteChainTests() : ChainCompliance(new ShardedSqliteStorageProvider(shards: 2));
