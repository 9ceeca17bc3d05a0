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
}
