using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.MariaDb;

[Collection(ServersCollection.Name)]
public sealed class MariaDbStatementTests() : StatementCompliance(new MySqlStorageProvider());
