namespace FlowForge.Bench;

/// <summary>The figures of one scenario run in one mode.</summary>
public sealed record PhaseResult
{
    public required string Scenario { get; init; }

    public required string Mode { get; init; }

    /// <summary>Worker processes that consumed work in this phase, when <c>--quiet-alternate</c> kept one quiet in some (<see cref="QuietAlternation"/>).</summary>
    public int? ConsumingWorkers { get; init; }

    /// <summary>Concurrent clients (closed and wait modes).</summary>
    public int? Clients { get; init; }

    /// <summary>Starts per second sent (open mode).</summary>
    public int? Rate { get; init; }

    public required double Seconds { get; init; }

    public required int NodesPerFlow { get; init; }

    /// <summary>Runs that succeeded.</summary>
    public required long Flows { get; init; }

    /// <summary>Failed or cancelled runs, unexpected answers and failed calls.</summary>
    public required long Errors { get; init; }

    public string? FirstError { get; init; }

    public required double FlowsPerSecond { get; init; }

    public required double NodeExecutionsPerSecond { get; init; }

    /// <summary><c>server</c> (run created → run finished, the server's timestamps) or <c>client</c> (request sent → finished run read).</summary>
    public required string LatencySource { get; init; }

    public required Stats LatencyMs { get; init; }

    /// <summary>Trigger → finish from the server's timestamps, whatever the mode.</summary>
    public required Stats ServerLatencyMs { get; init; }

    /// <summary>The client's <c>202 Accepted</c> round trip (closed and open modes).</summary>
    public Stats? AcceptLatencyMs { get; init; }

    public required IReadOnlyList<ProcessFigures> Processes { get; init; }

    /// <summary>Node executions per CPU second of the processes that run nodes (the embedded server or the workers).</summary>
    public double? NodeExecutionsPerWorkerCpuSecond { get; init; }

    /// <summary>Transactions the database counted (PostgreSQL <c>xact_commit</c>, MySQL <c>Com_commit</c>) per flow.</summary>
    public double? DbTransactionsPerFlow { get; init; }

    /// <summary>Work messages handed to the queue per flow (<c>flowforge_queue_published_total</c> of every process): broker messages when the queue is RabbitMQ.</summary>
    public double? QueueMessagesPerFlow { get; init; }

    /// <summary>Every <c>flowforge_*_total</c> counter of the processes' <c>/metrics</c> that moved, per flow.</summary>
    public required IReadOnlyDictionary<string, double> CountersPerFlow { get; init; }

    /// <summary>CPU cores the whole machine kept busy on average (of <see cref="BenchReport.Cores"/>).</summary>
    public required double MachineBusyCores { get; init; }

    /// <summary>
    /// The measured window's length in seconds: from the snapshot before the first start to the one after the last run
    /// finished. The CPU, bytes, counters and transactions of the phase are what moved in it.
    /// </summary>
    public double? WindowSeconds { get; init; }

    /// <summary>
    /// Where the measured window ends: <see cref="WindowEndsAtLastFinish"/>. Results without it (up to round sixteen)
    /// ended it after the listing of the phase's runs, so their figures include the bench's own listing.
    /// </summary>
    public string? WindowEnds { get; init; }

    public const string WindowEndsAtLastFinish = "last run finished; runs listed after";

    /// <summary>The process (or group) that used the most CPU, and how much of the machine was busy.</summary>
    public required string Busiest { get; init; }
}
