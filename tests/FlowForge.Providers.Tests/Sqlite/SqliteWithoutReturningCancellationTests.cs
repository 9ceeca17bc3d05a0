using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sqlite;

/// <summary>The statements MySQL will run (no UPDATE … RETURNING), checked on SQLite until a MySQL suite exists.</summary>
public sealed class SqliteWithoutReturningCancellationTests() : CancellationCompliance(new SqliteStorageProvider(updateReturning: false));
