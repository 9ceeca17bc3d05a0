namespace FlowForge.Bench;

/// <summary>Everything one bench invocation measured: what <c>--json</c> prints.</summary>
public sealed record BenchReport(
    DateTimeOffset StartedAt, int Cores, string Os, string Runtime, string Shape, IReadOnlyList<string> ServeArgs, double LoadAverageAtStart,
    IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>Errors over all phases: the bench exits 1 when there is one.</summary>
    public long Errors => Phases.Sum(p => p.Errors);
}
