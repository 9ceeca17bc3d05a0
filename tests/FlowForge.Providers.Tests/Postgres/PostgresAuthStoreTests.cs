using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Postgres;

[Collection(ServersCollection.Name)]
public sealed class PostgresAuthStoreTests(TestServers servers) : AuthStoreCompliance(new PostgresStorageProvider(servers));
