namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>A database product the compliance suites run against; each test gets a fresh, empty database.</summary>
public abstract class StorageProvider
{
    /// <summary>Creates a new database and opens a store on it, migrated unless <paramref name="migrate"/> is false.</summary>
    public abstract Task<TestDatabase> CreateDatabaseAsync(TimeProvider timeProvider, bool migrate = true);
}
