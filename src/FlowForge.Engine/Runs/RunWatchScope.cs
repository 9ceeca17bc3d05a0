namespace FlowForge.Engine.Runs;

/// <summary>Which of a watched run's events a watcher needs from the processes that execute it.</summary>
public enum RunWatchScope
{
    /// <summary>Run status changes only (a caller waiting for the run to finish).</summary>
    RunStatus,

    /// <summary>Run and node status changes (a live view of the run).</summary>
    Everything,
}
