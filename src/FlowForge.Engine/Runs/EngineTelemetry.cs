using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Traces and metrics of the engine, on BCL primitives so the engine needs no telemetry package;
/// the host exports them (OpenTelemetry, Prometheus).
/// </summary>
public static class EngineTelemetry
{
    public const string Name = "FlowForge.Engine";

    public static readonly ActivitySource Activities = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>
    /// A span named <paramref name="prefix"/> and <paramref name="name"/>, or null without building the name when nobody
    /// listens (no trace exporter): most processes never trace, and every node and run would pay for the text.
    /// </summary>
    public static Activity? StartActivity(string prefix, string name, ActivityKind kind, string? parentId) =>
        Activities.HasListeners() ? Activities.StartActivity(prefix + name, kind, parentId) : null;

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("flowforge.runs.started", description: "Runs accepted.");

    public static readonly Counter<long> RunsReopened = Meter.CreateCounter<long>("flowforge.runs.reopened", description: "Failed or cancelled runs reopened by a retry.");

    public static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>("flowforge.runs.finished", description: "Runs that reached a final status, by status.");

    public static readonly Histogram<double> NodeDuration = Meter.CreateHistogram<double>("flowforge.node.duration", unit: "ms", description: "Node execution time, by node type and outcome.");

    public static readonly Counter<long> MessagesPublished = Meter.CreateCounter<long>("flowforge.queue.published", description: "Work messages handed to the queue (outbox dispatch, sweeps and timers).");

    public static readonly Counter<long> LocalChainSteps = Meter.CreateCounter<long>("flowforge.chain.steps", description: "Nodes run right after their parent on the same worker, claimed with its completion instead of queued.");

    public static readonly Counter<long> StartClaims = Meter.CreateCounter<long>("flowforge.start.claims", description: "Nodes claimed for this process by the write that created their run, and run here without a message.");

    public static readonly Counter<long> StartPureNodes = Meter.CreateCounter<long>("flowforge.start.pure_nodes", description: "Pure nodes run before their run's write by the starting process and written final with the run.");

    public static readonly Counter<long> ClaimConflicts = Meter.CreateCounter<long>("flowforge.claims.conflicts", description: "Work messages dropped because another worker had claimed the node (or it was already done).");

    public static readonly Counter<long> OutboxDeferred = Meter.CreateCounter<long>("flowforge.outbox.deferred", description: "Committed work messages not handed to the queue at once because the background publishes were full: they wait in the outbox for the relay.");

    public static readonly Counter<long> OutboxDeferredIds = Meter.CreateCounter<long>("flowforge.outbox.deferred_ids", description: "Deferred work messages kept as their outbox id alone (more were deferred than are kept whole): the catch-up reads their rows back from the outbox.");

    public static readonly Counter<long> OutboxRelayed = Meter.CreateCounter<long>("flowforge.outbox.relayed", description: "Work messages the relay took from the outbox and handed to the queue (left by a failed or deferred publish, or by a process that stopped).");

    public static readonly Counter<long> OutboxCaughtUp = Meter.CreateCounter<long>("flowforge.outbox.caught_up", description: "Deferred work messages this process relayed itself once a background publish had ended, without waiting for the sweep.");

    /// <summary>Last sampled queue depth (see <see cref="EngineGaugeSampler"/>).</summary>
    public static long QueueDepth { get; set; }

    public static readonly ObservableGauge<long> QueueDepthGauge = Meter.CreateObservableGauge("flowforge.queue.depth", () => QueueDepth, description: "Work messages waiting for a worker.");

    /// <summary>Last sampled number of committed messages not yet handed to the queue (see <see cref="EngineGaugeSampler"/>).</summary>
    public static long OutboxPending { get; set; }

    public static readonly ObservableGauge<long> OutboxLagGauge = Meter.CreateObservableGauge("flowforge.outbox.pending", () => OutboxPending, description: "Outbox lag: messages committed with a state change and not yet accepted by the queue.");

    private static long _queueConsumers;

    /// <summary>Counts a consumer this process opened (+1) or cancelled (-1) on a broker's work queue.</summary>
    public static void QueueConsumersChanged(int delta) => Interlocked.Add(ref _queueConsumers, delta);

    public static readonly ObservableGauge<long> QueueConsumersGauge = Meter.CreateObservableGauge("flowforge.queue.consumers", () => Interlocked.Read(ref _queueConsumers), description: "Consumers this process holds on the broker's work queues: one per consumed shard while it takes work, none while it is quiet or has lost its channel.");

    public static readonly Counter<long> StaleCompletions = Meter.CreateCounter<long>("flowforge.completions.stale", description: "Completions ignored because the claim had been taken over.");

    public static readonly Counter<long> NodesTakenOver = Meter.CreateCounter<long>("flowforge.nodes.taken_over", description: "Running nodes queued again because their worker stopped beating.");
}
