namespace FlowForge.Engine.Runs;

/// <summary>
/// One node execution's cancellation in this process: its token is cancelled when the run is cancelled
/// (<see cref="RunningNodes.Cancel"/>) or when the attempt's time is up (<see cref="TimeOutAfter"/>), and it says which.
/// One source with at most one timer, where a linked pair of sources over a third took three sources, a timer and two
/// registrations for every node.
/// </summary>
public sealed class RunningNode : CancellationTokenSource
{
    private ITimer? _timer;
    private volatile bool _runCancelled;
    private volatile bool _timedOut;

    /// <summary>The run was cancelled while the node ran.</summary>
    public bool RunCancelled => _runCancelled;

    /// <summary>The attempt's time ran out (and the run was not cancelled first).</summary>
    public bool TimedOut => _timedOut && !_runCancelled;

    /// <summary>Whether a timer watches the attempt's time.</summary>
    public bool HasTimer => _timer is not null;

    /// <summary>Cancels the token when <paramref name="delay"/> has passed on <paramref name="time"/>; once per execution.</summary>
    public void TimeOutAfter(TimeSpan delay, TimeProvider time)
    {
        if (_timer is not null)
        {
            throw new InvalidOperationException("The attempt's timeout is already set.");
        }

        _timer = time.CreateTimer(static state => ((RunningNode)state!).Expire(), this, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    internal void CancelRun()
    {
        _runCancelled = true;
        Cancel();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Expire()
    {
        _timedOut = true;
        try
        {
            Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The node finished as the time ran out.
        }
    }
}
