using FlowForge.Engine.Runs;

namespace FlowForge.Server.Endpoints;

/// <summary>Completes when a run reaches a final status; subscribed before the run starts so the end cannot be missed.</summary>
internal sealed class RunFinishedSignal : IDisposable
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable _subscription;
    private readonly IDisposable _watch;

    public RunFinishedSignal(IRunEvents events, Guid runId)
    {
        _subscription = events.Subscribe(runId, e =>
        {
            if (e is RunStatusChanged changed && changed.Status.IsFinal())
            {
                _finished.TrySetResult();
            }
        }, RunEventInterest.RunStatus);

        // Scaled out, the run's end comes from the worker that ran it only if this process asked for it.
        _watch = events.Watch(runId, RunWatchScope.RunStatus);
    }

    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _finished.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _subscription.Dispose();
    }
}
