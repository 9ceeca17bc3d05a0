namespace FlowForge.Nodes.Core.Code;

/// <summary>The sandbox every <c>core.code</c> script runs in; bound to configuration section <c>Code</c>.</summary>
public sealed class CodeOptions
{
    public const string Section = "Code";

    /// <summary>How long one script may run before it is stopped (the node's own attempt timeout still applies).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most statements one script may execute.</summary>
    public int MaxStatements { get; set; } = 10_000_000;

    /// <summary>The most bytes one script may allocate while it runs (an allocation budget, not a live-memory limit).</summary>
    public long MaxMemoryBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The deepest function calls may nest.</summary>
    public int MaxRecursion { get; set; } = 256;

    /// <summary>The longest array a script may make.</summary>
    public int MaxArrayLength { get; set; } = 1_000_000;

    /// <summary>How long one regular expression match may take.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most console output kept per execution, in UTF-8 bytes; past it the output is cut with a line saying so.</summary>
    public int MaxLogBytes { get; set; } = 16 * 1024;

    /// <summary>The longest <c>source</c> a node may hold, in characters (the whole config is also bounded by <c>Flows:MaxNodeConfigBytes</c>).</summary>
    public int MaxSourceLength { get; set; } = 64 * 1024;

    /// <summary>How many distinct parsed scripts are kept for reuse.</summary>
    public int MaxCachedScripts { get; set; } = 256;
}
