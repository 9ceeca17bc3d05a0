namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// Tests on the PostgreSQL server (<see cref="FlowForge.Testing.TestServices"/>) run one class at a time, each with
/// databases of its own, so they do not crowd the server's connection limit. They run beside the MariaDB tests: the two
/// servers share no limit, and each test mostly waits on its server's disk.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL server";
}
