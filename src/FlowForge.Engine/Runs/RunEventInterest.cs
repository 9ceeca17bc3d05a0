namespace FlowForge.Engine.Runs;

/// <summary>
/// What a subscriber of <see cref="IRunEvents"/> needs. A publisher asks whether anybody hears an event before it builds
/// one (<see cref="IRunEvents.HearsNodes"/>, <see cref="IRunEvents.HearsRun"/>): most runs are watched by nobody, and
/// their events would be made only to be dropped by every subscriber.
/// </summary>
public enum RunEventInterest
{
    /// <summary>Every event of the run, or of every run.</summary>
    Everything,

    /// <summary>The run's status changes (a caller waiting for the run to finish).</summary>
    RunStatus,

    /// <summary>
    /// Of all runs: the status changes to <see cref="Runs.RunStatus.Failed"/> and <see cref="Runs.RunStatus.Cancelled"/>
    /// (failure notifications, stopping a cancelled run's executions).
    /// </summary>
    FailuresAndCancellations,

    /// <summary>
    /// Of all runs: the events of runs watched with <see cref="RunWatchScope.Everything"/> on this process (the live
    /// hub); the subscriber ignores those of other runs.
    /// </summary>
    WatchedRuns,
}
