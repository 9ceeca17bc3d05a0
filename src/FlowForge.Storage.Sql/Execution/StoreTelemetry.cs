using System.Diagnostics.Metrics;
using FlowForge.Engine.Runs;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>What the store costs the database, on the engine's meter: the per-flow figures the bench reports.</summary>
internal static class StoreTelemetry
{
    public static readonly Counter<long> RoundTrips = EngineTelemetry.Meter.CreateCounter<long>(
        "flowforge.store.round_trips", description: "Statements the store sent to the database, each a round trip (savepoints, BEGIN where it is one, and COMMIT included).");

    public static readonly Counter<long> Transactions = EngineTelemetry.Meter.CreateCounter<long>(
        "flowforge.store.transactions", description: "Write transactions the store committed on a server database (a group commit's batch is one).");

    /// <summary>The SQLite writer's COMMIT (the fsync of the log, and a checkpoint when SQLite runs one in it).</summary>
    public static readonly Histogram<double> CommitDuration = EngineTelemetry.Meter.CreateHistogram(
        "flowforge.store.commit.duration",
        unit: "ms",
        description: "Time the SQLite writer spent in each COMMIT.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256, 512, 1024] });

    public static readonly Counter<long> IsolatedBatches = EngineTelemetry.Meter.CreateCounter<long>(
        "flowforge.store.isolated_batches", description: "SQLite batches run again with a savepoint per operation after one of their operations failed without.");

    public static readonly Counter<long> Checkpoints = EngineTelemetry.Meter.CreateCounter<long>(
        "flowforge.store.checkpoints", description: "Checkpoints of the SQLite log run beside the writer, by mode (passive, restart, truncate; failed for a checkpoint that gave up or failed).");
}
