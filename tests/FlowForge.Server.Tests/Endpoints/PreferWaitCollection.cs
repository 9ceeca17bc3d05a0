namespace FlowForge.Server.Tests.Endpoints;

/// <summary>Tests that count the process-wide store counters: alone, so no other test's statements are counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PreferWaitCollection
{
    public const string Name = "prefer-wait";
}
