namespace FlowForge.Engine.Runs;

/// <summary>The status of one node of a run (NodeInstance). Shown by name in the API.</summary>
public enum NodeStatus
{
    Pending,
    Ready,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Cancelled,
}
