using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class MariaDbRunSetTests() : RunSetCompliance(new MySqlStorageProvider())
{
    // One text per shape for up to SqlStorage.RunsPerSet diamonds (five node rows each, so the rows bound none of these).
    protected override int RoundTripsFor(int runs) => runs == 1 ? 1 : (runs + SqlStorage.RunsPerSet - 1) / SqlStorage.RunsPerSet;
}
