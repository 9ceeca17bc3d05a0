namespace FlowForge.Scaling.Tests.Infrastructure;

/// <summary>
/// Tests on the real servers (<see cref="TestServices"/>) run one class at a time: a broker restart in one test
/// must not pull the broker from under another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServicesCollection
{
    public const string Name = "Real servers";
}
