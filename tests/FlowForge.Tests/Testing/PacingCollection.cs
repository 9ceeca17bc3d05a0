namespace FlowForge.Tests.Testing;

/// <summary>
/// Tests that measure the pace of executions against the clock: run alone, not beside other test classes competing
/// for the same cores, so that a slot comes due when it is due.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PacingCollection
{
    public const string Name = "Pacing";
}
