namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// Tests that measure the managed bytes the whole process allocates for some work: run alone, so that other test
/// classes' allocations do not count towards theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation";
}
