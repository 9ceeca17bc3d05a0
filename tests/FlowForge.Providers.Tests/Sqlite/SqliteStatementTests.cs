using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class SqliteStatementTests() : StatementCompliance(new SqliteStorageProvider());
