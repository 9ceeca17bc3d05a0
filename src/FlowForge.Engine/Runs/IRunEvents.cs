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
    /// Subscribes as <see cref="Subscribe(Guid?, Action{RunEvent})"/>, saying which events the handler needs: events
    /// nobody needs may not be built at all. The handler may still receive others, and ignores them.
    /// </summary>
    IDisposable Subscribe(Guid? runId, Action<RunEvent> handler, RunEventInterest interest) => Subscribe(runId, handler);

    /// <summary>
    /// Asks every process for this run's events (of <paramref name="scope"/>) until disposed. Scaled out, a process
    /// sends other processes only the events of watched runs, plus failures and cancellations, which always travel.
    /// Watch before reading the run's state: events committed before the watch reached the executing process are
    /// still delivered, so nothing falls between the read and the watch. In-process, every event is delivered anyway.
    /// </summary>
    IDisposable Watch(Guid runId, RunWatchScope scope);

    /// <summary>Whether a node status change of the run would reach a subscriber that needs it: when not, none is built.</summary>
    bool HearsNodes(Guid runId) => true;

    /// <summary>Whether the run's change to <paramref name="status"/> would reach a subscriber that needs it: when not, none is built.</summary>
    bool HearsRun(Guid runId, RunStatus status) => true;
}
