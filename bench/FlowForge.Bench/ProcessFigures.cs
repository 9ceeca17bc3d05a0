namespace FlowForge.Bench;

/// <summary>One process during a phase: CPU time it used (from <c>/proc</c>, not wall clock) and its peak resident memory.</summary>
/// <param name="RunsNodes">Whether it executes nodes (the embedded <c>serve</c> process or a worker): its CPU is what a node costs.</param>
public sealed record ProcessFigures(string Name, int? Pid, bool RunsNodes, double CpuSeconds, double CpuCores, double? PeakRssMb)
{
    /// <summary>Its CPU milliseconds per flow that succeeded in the phase.</summary>
    public double? CpuMsPerFlow { get; init; }

    /// <summary>Managed bytes a FlowForge process allocated per flow (the runtime's <c>dotnet_gc_heap_total_allocated_bytes</c>); null for other processes.</summary>
    public double? AllocatedBytesPerFlow { get; init; }

    /// <summary>
    /// The process' own <c>flowforge_*_total</c> counters that moved, per flow (e.g. the api's store transactions apart from
    /// the workers'); null for other processes.
    /// </summary>
    public IReadOnlyDictionary<string, double>? CountersPerFlow { get; init; }
}
