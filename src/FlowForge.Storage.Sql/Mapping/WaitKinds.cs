namespace FlowForge.Storage.Sql.Mapping;

/// <summary>Values of NodeInstances.WaitKind: why a Running node with WaitUntil set is parked (NULL: the node asked to wait).</summary>
internal static class WaitKinds
{
    public const string Retry = "retry";

    public const string Signal = "signal";

    /// <summary>The node waits for its child runs; its WaitUntil never comes due until one of them ends.</summary>
    public const string Children = "children";

    /// <summary>The WaitUntil of a signal wait: a timer that never comes due, so every "parked" query treats it as parked.</summary>
    public const long SignalWaitUntil = long.MaxValue;
}
