using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCancellationTests() : CancellationCompliance(new PostgresStorageProvider());
