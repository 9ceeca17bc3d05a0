namespace FlowForge.Engine.Runs;

/// <summary>
/// What kind of failure a node had, safe to log at any level: unlike the error message, it never quotes user data.
/// </summary>
internal static class NodeErrorKinds
{
    /// <summary>The node returned a failure.</summary>
    public const string Reported = "reported";

    /// <summary>The node returned a failure it says a retry could mend.</summary>
    public const string ReportedRetryable = "reported, retryable";

    /// <summary>The node's executions were interrupted too often (Engine:MaxInterruptions) and it was not started again.</summary>
    public const string Interrupted = "interrupted too often";

    /// <summary>The worker has no node type of that name.</summary>
    public const string MissingType = "node type not installed";

    /// <summary>The node threw: names the exception type only, as its message may quote input.</summary>
    public static string Thrown(Exception exception) => "threw " + exception.GetType().Name;
}
