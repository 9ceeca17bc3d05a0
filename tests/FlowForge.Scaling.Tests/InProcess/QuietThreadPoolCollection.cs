namespace FlowForge.Scaling.Tests.InProcess;

/// <summary>Tests that count the thread pool's work items: they run alone, so other tests' work does not blur the count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuietThreadPoolCollection
{
    public const string Name = "Quiet thread pool";
}
