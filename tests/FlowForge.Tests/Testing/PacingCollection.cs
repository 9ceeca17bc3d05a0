namespace FlowForge.Tests.Testing;

/// <summary>
/// Tests that measure the pace of executions against the clock: run alone, not beside other test classes competing
/// for the same cores, so that a slot comes due when it is due. Their classes also carry the trait
/// <c>Category=Pacing</c>, by which <c>./test</c> runs them after every other test project has finished rather than
/// beside them (test projects run in parallel processes, which a collection cannot keep apart).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PacingCollection
{
    public const string Name = "Pacing";

    /// <summary>The trait's name and value: <c>[Trait(PacingCollection.Trait, PacingCollection.Name)]</c>.</summary>
    public const string Trait = "Category";
}
