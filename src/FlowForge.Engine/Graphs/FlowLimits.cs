namespace FlowForge.Engine.Graphs;

/// <summary>Bounds on what a flow and a run's input may contain; bound to configuration section <c>Flows</c>.</summary>
public sealed class FlowLimits
{
    public const string Section = "Flows";

    /// <summary>Node ids are stored in a column of 500 characters on MySQL and MariaDB, so no limit may exceed that.</summary>
    public const int IdLengthCeiling = 500;

    public int MaxNodes { get; set; } = 1_000;

    public int MaxEdges { get; set; } = 5_000;

    /// <summary>Longest node or edge id, in characters.</summary>
    public int MaxIdLength { get; set; } = 200;

    /// <summary>Longest flow name or node label, in characters.</summary>
    public int MaxNameLength { get; set; } = 200;

    /// <summary>Largest config of one node, in bytes of compact UTF-8 JSON.</summary>
    public int MaxNodeConfigBytes { get; set; } = 64 * 1024;

    /// <summary>Largest run input, in bytes of compact UTF-8 JSON; separate from (and usually below) the request body limit.</summary>
    public int MaxRunInputBytes { get; set; } = 1024 * 1024;

    /// <summary>The most attempts a node's <c>data.retry.maxAttempts</c> may ask for.</summary>
    public int MaxRetryAttempts { get; set; } = 25;

    /// <summary>The longest wait between attempts (<c>data.retry.delayMs</c> and <c>maxDelayMs</c>): one day.</summary>
    public long MaxRetryDelayMs { get; set; } = 24L * 60 * 60 * 1000;

    /// <summary>The longest <c>data.timeoutMs</c> a node may declare: one day.</summary>
    public long MaxTimeoutMs { get; set; } = 24L * 60 * 60 * 1000;

    /// <summary>The most items one <c>core.forEach</c> may run its sub-flow for (one child run each).</summary>
    public int MaxForEachItems { get; set; } = 10_000;

    /// <summary>The most child runs one <c>core.forEach</c> may have open at once (its <c>concurrency</c> is capped here).</summary>
    public int MaxForEachConcurrency { get; set; } = 100;

    /// <summary>How deep sub-flows may nest: a run started by a run started by … a trigger's run is at depth 1, 2, ….</summary>
    public int MaxSubflowDepth { get; set; } = 5;
}
