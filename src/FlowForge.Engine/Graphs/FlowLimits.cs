namespace FlowForge.Engine.Graphs;

/// <summary>Bounds on what a flow may contain; bound to configuration section <c>Flows</c>.</summary>
public sealed class FlowLimits
{
    public const string Section = "Flows";

    public int MaxNodes { get; set; } = 1_000;

    public int MaxEdges { get; set; } = 5_000;

    /// <summary>The most attempts a node's <c>data.retry.maxAttempts</c> may ask for.</summary>
    public int MaxRetryAttempts { get; set; } = 25;

    /// <summary>The longest wait between attempts (<c>data.retry.delayMs</c> and <c>maxDelayMs</c>): one day.</summary>
    public long MaxRetryDelayMs { get; set; } = 24L * 60 * 60 * 1000;

    /// <summary>The longest <c>data.timeoutMs</c> a node may declare: one day.</summary>
    public long MaxTimeoutMs { get; set; } = 24L * 60 * 60 * 1000;
}
