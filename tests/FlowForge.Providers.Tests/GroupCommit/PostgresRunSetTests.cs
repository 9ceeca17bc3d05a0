using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class PostgresRunSetTests() : RunSetCompliance(new PostgresStorageProvider())
{
    // A run is one statement of its own on PostgreSQL.
    protected override int RoundTripsFor(int runs) => runs;
}
