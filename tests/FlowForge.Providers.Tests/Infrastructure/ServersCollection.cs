namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// Tests on the real database servers (<see cref="FlowForge.Testing.TestServices"/>) run one class at a time, each
/// with databases of its own, so they do not crowd the servers' connection limits.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection
{
    public const string Name = "Real database servers";
}
