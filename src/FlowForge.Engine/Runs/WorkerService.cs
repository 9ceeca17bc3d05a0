using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Consumes the work queue with the configured parallelism, and stops executions of runs that were
/// cancelled (wherever the cancel arrived: the event may come from another process).
/// </summary>
public sealed class WorkerService(IWorkQueue queue, NodeExecutor executor, RunningNodes running, IRunEvents events, IOptions<EngineOptions> options) : BackgroundService
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
        });
        await queue.ConsumeAsync(executor.HandleAsync, options.Value.WorkerParallelism, stoppingToken).ConfigureAwait(false);
    }
}
