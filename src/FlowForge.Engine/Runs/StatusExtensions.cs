namespace FlowForge.Engine.Runs;

public static class StatusExtensions
{
    public static bool IsFinal(this RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    public static bool IsFinal(this NodeStatus status) => status is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Skipped or NodeStatus.Cancelled;
}
