namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// Tests on the MariaDB server (<see cref="FlowForge.Testing.TestServices"/>) run one class at a time, each with
/// databases of its own, so they do not crowd the server's connection limit. They run beside the PostgreSQL tests: the
/// two servers share no limit, and each test mostly waits on its server's disk.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection
{
    public const string Name = "MariaDB server";
}
