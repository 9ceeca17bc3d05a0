using System.Numerics;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class MariaDbRunSetTests() : RunSetCompliance(new MySqlStorageProvider())
{
    // Texts of SqlStorage.RunsPerSet diamonds, then of 16, 8 … 2 and a last run alone (five node rows each, so the rows
    // bound none of these): 40 runs are 32 and 8, 7 runs 4, 2 and 1.
    protected override int RoundTripsFor(int runs) => (runs / SqlStorage.RunsPerSet) + BitOperations.PopCount((uint)(runs % SqlStorage.RunsPerSet));
}
