using FlowForge.Server.Tests.Processes;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FlowForge.Server.Tests.Testing.ScaledOutFirstOrderer", "FlowForge.Server.Tests")]

namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// Starts the scaled-out process tests first and leaves the other collections in xunit's own order: those tests are the
/// longest lane (minutes of clusters under load), so they must not be the one still running when everything else is done.
/// </summary>
public sealed class ScaledOutFirstOrderer : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections).OrderBy(c => c.DisplayName == ScaledOutCollection.Name ? 0 : 1);
}
