namespace FlowForge.Engine.Runs;

/// <summary>The status of a run (FlowInstance). Shown by name in the API.</summary>
public enum RunStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
