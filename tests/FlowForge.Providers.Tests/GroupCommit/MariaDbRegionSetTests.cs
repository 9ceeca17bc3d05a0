using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class MariaDbRegionSetTests() : RegionSetCompliance(new MySqlStorageProvider())
{
    // One read and one write per SqlStorage.RegionsPerSet regions (five rows each, so the rows bound none of these), each a
    // text of the same statements whatever the number of regions in it: 40 regions are two reads and two writes, 7 one of each.
    protected override int RoundTripsFor(int regions) => 2 * ((regions + SqlStorage.RegionsPerSet - 1) / SqlStorage.RegionsPerSet);
}
