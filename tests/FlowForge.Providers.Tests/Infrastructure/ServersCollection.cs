namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>Every test on the real servers shares one set of them; each test still gets databases of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<TestServers>
{
    public const string Name = "Real database servers";
}
