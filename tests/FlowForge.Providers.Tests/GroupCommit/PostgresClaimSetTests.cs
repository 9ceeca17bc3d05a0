using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(PostgresCollection.Name)]
public sealed class PostgresClaimSetTests() : ClaimSetCompliance(new PostgresStorageProvider())
{
    protected override int RoundTripsPerSet => 3;

    // The claims and the runs' inputs, then each run started.
    protected override int RoundTripsToClaimTriggers(int claims) => 2 + claims;
}
