namespace FlowForge.Engine.Runs;

/// <summary>How node attempts run and what is kept of them; bound to configuration section <c>Execution</c>.</summary>
public sealed class ExecutionOptions
{
    public const string Section = "Execution";

    /// <summary>How long one attempt may run when neither the node's <c>data.timeoutMs</c> nor its type says otherwise.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The largest resolved input kept with an attempt, in bytes of JSON; a larger one is kept as
    /// <c>{ "truncated": true, "bytes": n }</c>.
    /// </summary>
    public int MaxAttemptInputBytes { get; set; } = 64 * 1024;

    /// <summary>Names the first setting out of range, or null when all are valid.</summary>
    public string? Problem() =>
        DefaultTimeout <= TimeSpan.Zero || DefaultTimeout > TimeSpan.FromDays(1)
            ? "Execution:DefaultTimeout must be more than 0 and at most one day (1.00:00:00)."
            : MaxAttemptInputBytes is < 0 or > 16 * 1024 * 1024
                ? "Execution:MaxAttemptInputBytes must be between 0 and 16777216."
                : null;
}
