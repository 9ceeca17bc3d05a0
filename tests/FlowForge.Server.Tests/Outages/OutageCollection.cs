namespace FlowForge.Server.Tests.Outages;

/// <summary>Tests that stop and start their own private servers: one at a time, so their timings stay honest.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutageCollection
{
    public const string Name = "outages";
}
