using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.GroupCommit;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbClaimSetTests() : ClaimSetCompliance(new MySqlStorageProvider())
{
    protected override int RoundTripsPerSet => 1;

    protected override int RoundTripsToClaimTriggers(int claims) => 1;
}
