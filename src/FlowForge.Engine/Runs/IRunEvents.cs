namespace FlowForge.Engine.Runs;

/// <summary>
/// Publishes committed run changes to subscribers. In-process by default; a scaled-out deployment
/// fans events out through the broker so that every API process sees every run.
/// </summary>
public interface IRunEvents
{
    void Publish(RunEvent runEvent);

    /// <summary>Subscribes to one run's events, or to all when <paramref name="runId"/> is null. Handlers must not block.</summary>
    IDisposable Subscribe(Guid? runId, Action<RunEvent> handler);

    /// <summary>
    /// Asks every process for this run's events (of <paramref name="scope"/>) until disposed. Scaled out, a process
    /// sends other processes only the events of watched runs, plus failures and cancellations, which always travel.
    /// Watch before reading the run's state: events committed before the watch reached the executing process are
    /// still delivered, so nothing falls between the read and the watch. In-process, every event is delivered anyway.
    /// </summary>
    IDisposable Watch(Guid runId, RunWatchScope scope);
}
