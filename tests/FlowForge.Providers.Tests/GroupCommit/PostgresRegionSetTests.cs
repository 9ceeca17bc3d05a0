using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRegionSetTests() : RegionSetCompliance(new PostgresStorageProvider())
{
    // One read and one write over arrays per SqlStorage.RegionsPerArraySet regions, whatever their shapes; a region alone in
    // its batch is one guarded text of its own.
    protected override int RoundTripsFor(int regions) =>
        regions < 2 ? regions : 2 * ((regions + SqlStorage.RegionsPerArraySet - 1) / SqlStorage.RegionsPerArraySet);
}
