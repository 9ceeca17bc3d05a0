namespace FlowForge.Bench;

/// <summary>
/// Everything one bench invocation measured: what <c>--json</c> prints. <see cref="Client"/> is how the load modes
/// sent their starts (<c>raw</c> or <c>httpclient</c>, <see cref="LoadClient"/>): figures before it was reported came from <c>httpclient</c>.
/// </summary>
public sealed record BenchReport(
    DateTimeOffset StartedAt, int Cores, string Os, string Runtime, string Shape, IReadOnlyList<string> ServeArgs, double LoadAverageAtStart,
    string Client, IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>The arguments the worker processes got after <see cref="ServeArgs"/> (<c>--worker-arg</c>).</summary>
    public IReadOnlyList<string> WorkerArgs { get; init; } = [];

    /// <summary>The arguments the api process got after <see cref="ServeArgs"/> (<c>--api-arg</c>).</summary>
    public IReadOnlyList<string> ApiArgs { get; init; } = [];

    /// <summary>The worker counts compared in the same minutes (<c>--quiet-alternate</c>); null otherwise.</summary>
    public IReadOnlyList<WorkerCountComparison>? WorkerCounts { get; init; }

    /// <summary>
    /// The reference work's milliseconds before the servers started (<see cref="ReferenceWork"/>): the machine's speed in
    /// the hour of the run, to compare figures from different hours by.
    /// </summary>
    public double? ReferenceWorkMs { get; init; }

    /// <summary>Errors over all phases: the bench exits 1 when there is one.</summary>
    public long Errors => Phases.Sum(p => p.Errors);
}
