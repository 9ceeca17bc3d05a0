using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sqlite;

/// <summary>The statements MySQL will run (no UPDATE … RETURNING), checked on SQLite too.</summary>
public sealed class SqliteWithoutReturningChainTests() : ChainCompliance(new SqliteStorageProvider(updateReturning: false));
