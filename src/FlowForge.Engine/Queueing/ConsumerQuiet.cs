namespace FlowForge.Engine.Queueing;

/// <summary>
/// Whether this process' queue consumers take new work. A quiet worker stops taking deliveries, finishes and acknowledges
/// what it holds, and keeps its other duties; resumed, it consumes again. The operator's switch before maintenance of one
/// worker (<c>SIGTSTP</c> quiets a worker process, <c>SIGCONT</c> resumes it), and how a benchmark compares worker counts
/// without restarting processes. Queues that hold no consumer of their own (the in-process queue) ignore it.
/// </summary>
public sealed class ConsumerQuiet
{
    private TaskCompletionSource _changed = NewChange();
    private int _quiet;

    public bool IsQuiet => Volatile.Read(ref _quiet) == 1;

    /// <summary>
    /// Completes at the next change. Read it before <see cref="IsQuiet"/>: a change after that read completes it.
    /// </summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Sets the switch; false when it already was so.</summary>
    public bool Set(bool quiet)
    {
        var value = quiet ? 1 : 0;
        if (Interlocked.Exchange(ref _quiet, value) == value)
        {
            return false;
        }

        Interlocked.Exchange(ref _changed, NewChange()).TrySetResult();
        return true;
    }

    private static TaskCompletionSource NewChange() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
