using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sqlite;

/// <summary>The portable statements (no UPDATE … RETURNING), as MySQL runs them, on SQLite.</summary>
public sealed class SqliteWithoutReturningChildRunTests() : ChildRunCompliance(new SqliteStorageProvider(updateReturning: false));
