using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRunSetTests() : RunSetCompliance(new PostgresStorageProvider())
{
    // The runs of a batch are one statement over arrays, one per SqlStorage.RunsPerArraySet runs, whatever their shapes.
    protected override int RoundTripsFor(int runs) => runs < 2 ? runs : (runs + SqlStorage.RunsPerArraySet - 1) / SqlStorage.RunsPerArraySet;

    protected override int RoundTripsFor(int runs, int shapes) => RoundTripsFor(runs * shapes);

    protected override bool UsedKeyRunsTheBatchAgain => false;
}
