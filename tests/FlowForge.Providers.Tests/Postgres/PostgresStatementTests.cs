using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Postgres;

[Collection(ServersCollection.Name)]
public sealed class PostgresStatementTests() : StatementCompliance(new PostgresStorageProvider());
