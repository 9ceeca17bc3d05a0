using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>The same races with runs spread over two PostgreSQL databases (idempotency keys claimed on shard 0).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardedPostgresConcurrencyTests() : ConcurrencyCompliance(new PostgresStorageProvider(shards: 2));
