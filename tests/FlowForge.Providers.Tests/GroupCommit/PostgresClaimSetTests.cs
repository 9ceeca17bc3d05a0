using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(ServersCollection.Name)]
public sealed class PostgresClaimSetTests() : ClaimSetCompliance(new PostgresStorageProvider())
{
    protected override int RoundTripsPerSet => 3;
}
