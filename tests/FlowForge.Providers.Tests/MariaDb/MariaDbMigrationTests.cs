using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.MariaDb;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbMigrationTests() : MigrationCompliance(new MySqlStorageProvider());
