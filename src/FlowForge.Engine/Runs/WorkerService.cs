using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Consumes the work queue with the configured parallelism, and stops executions of runs that were
/// cancelled (wherever the cancel arrived: the event may come from another process).
/// </summary>
public sealed class WorkerService(IWorkQueue queue, NodeExecutor executor, ExecutionSlots slots, RunningNodes running, IRunEvents events, IOptions<EngineOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ExecuteWork)
        {
            return;
        }

        using var cancellations = events.Subscribe(null, e =>
        {
            if (e is RunStatusChanged { Status: RunStatus.Cancelled } cancelled)
            {
                running.Cancel(cancelled.RunId);
            }
        }, RunEventInterest.FailuresAndCancellations);
        slots.Open(stoppingToken);
        try
        {
            await queue.ConsumeAsync(HandleAsync, options.Value.WorkerParallelism, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Close();
        }
    }

    // The slots are shared with the runs' starts (see ExecutionSlots): a consumer that holds a message waits for one.
    private async Task HandleAsync(WorkMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await slots.TakeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping, as the executor does when it is stopped before its claim: the state in the database redoes it.
            return;
        }

        try
        {
            await executor.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
