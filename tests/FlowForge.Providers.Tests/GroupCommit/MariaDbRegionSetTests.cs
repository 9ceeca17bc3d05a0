using System.Numerics;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbRegionSetTests() : RegionSetCompliance(new MySqlStorageProvider())
{
    // One read per SqlStorage.RegionsPerSet regions (five rows each, so the rows bound none of these), then the writes in
    // texts of 32, 16 … 2 regions and a last one alone: 40 regions are two reads and two writes, 7 one read and three writes.
    protected override int RoundTripsFor(int regions) =>
        ((regions + SqlStorage.RegionsPerSet - 1) / SqlStorage.RegionsPerSet)
        + (regions / SqlStorage.RegionsPerSet) + BitOperations.PopCount((uint)(regions % SqlStorage.RegionsPerSet));
}
