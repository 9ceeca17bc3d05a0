using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// The node executions this process runs at once (<see cref="EngineOptions.WorkerParallelism"/>), shared by the queue
/// consumer and a run's start that claims its trigger's first child for this process. Open only while the worker
/// consumes: a process that executes nothing (the API role), or has not started or is stopping, has no slot to give.
/// </summary>
public sealed class ExecutionSlots(IOptions<EngineOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _free = new(Math.Max(1, options.Value.WorkerParallelism));
    private CancellationToken _stopping = new(canceled: true);
    private volatile bool _open;

    /// <summary>The worker's stopping signal, for executions started outside the queue consumer.</summary>
    public CancellationToken Stopping => _stopping;

    /// <summary>Called by the worker as it starts consuming; <paramref name="stopping"/> stops it.</summary>
    public void Open(CancellationToken stopping)
    {
        _stopping = stopping;
        _open = true;
    }

    public void Close() => _open = false;

    /// <summary>A free slot without waiting, when the worker consumes; false leaves the work to the queue.</summary>
    public bool TryTake() => _open && _free.Wait(0);

    /// <summary>Waits for a free slot (the queue consumer, once it holds a message).</summary>
    public Task TakeAsync(CancellationToken cancellationToken) => _free.WaitAsync(cancellationToken);

    public void Release() => _free.Release();

    public void Dispose() => _free.Dispose();
}
