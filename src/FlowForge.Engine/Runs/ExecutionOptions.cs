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

    /// <summary>
    /// The most a node's log (a script's console output) kept with an attempt may hold, in UTF-8 bytes; past it the
    /// log is cut and ends with a line saying so.
    /// </summary>
    public int MaxAttemptLogBytes { get; set; } = 64 * 1024;
}
