using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class PostgresRegionSetTests() : RegionSetCompliance(new PostgresStorageProvider())
{
    // A region is one guarded text of its own on PostgreSQL.
    protected override int RoundTripsFor(int regions) => regions;
}
