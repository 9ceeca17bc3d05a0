namespace FlowForge.Engine.Runs;

/// <summary>
/// A status as its enum name, without the box that <see cref="Enum.ToString()"/> makes per call: what the stores write,
/// what the API answers and what telemetry tags carry.
/// </summary>
public static class StatusName
{
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.Pending => nameof(RunStatus.Pending),
        RunStatus.Running => nameof(RunStatus.Running),
        RunStatus.Succeeded => nameof(RunStatus.Succeeded),
        RunStatus.Failed => nameof(RunStatus.Failed),
        RunStatus.Cancelled => nameof(RunStatus.Cancelled),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    public static string Of(NodeStatus status) => status switch
    {
        NodeStatus.Pending => nameof(NodeStatus.Pending),
        NodeStatus.Ready => nameof(NodeStatus.Ready),
        NodeStatus.Running => nameof(NodeStatus.Running),
        NodeStatus.Succeeded => nameof(NodeStatus.Succeeded),
        NodeStatus.Failed => nameof(NodeStatus.Failed),
        NodeStatus.Skipped => nameof(NodeStatus.Skipped),
        NodeStatus.Cancelled => nameof(NodeStatus.Cancelled),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown node status."),
    };
}
