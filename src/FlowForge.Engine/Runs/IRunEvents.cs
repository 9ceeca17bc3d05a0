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
}
