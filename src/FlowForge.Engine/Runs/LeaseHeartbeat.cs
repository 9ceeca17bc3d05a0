using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// The worker's pulse. Every <see cref="EngineOptions.HeartbeatInterval"/> one write records that this process is
/// alive and extends the lease of every node it executes, so a node that runs longer than the lease is never
/// started a second time while its worker lives. The same beat takes over workers that have been silent for
/// <see cref="EngineOptions.WorkerTimeout"/>: their nodes are queued again at once, and retries give-backs that
/// found the store down.
/// </summary>
public sealed partial class LeaseHeartbeat(
    IWorkerStore workers,
    WorkerIdentity worker,
    ClaimGiveBack giveBack,
    OutboxDispatcher dispatcher,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<LeaseHeartbeat> logger) : BackgroundService
{
    /// <summary>Beats that have completed (tests wait on it).</summary>
    public long Beats => Interlocked.Read(ref _beats);

    private long _beats;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first beat registers the worker before it claims anything, so even its very first claims can be taken over.
        if (options.Value.ExecuteWork)
        {
            await BeatAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ExecuteWork)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the nodes this process still holds are taken over once its beat is missed.
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            var now = time.GetUtcNow();
            await workers.HeartbeatAsync(worker.Id, now, now + settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
            await giveBack.RetryPendingAsync(cancellationToken).ConfigureAwait(false);

            var taken = await workers.TakeOverSilentWorkersAsync(now - settings.WorkerTimeout, now, cancellationToken).ConfigureAwait(false);
            if (taken.Workers > 0)
            {
                LogTakenOver(logger, taken.Workers, taken.Messages.Count);
                EngineTelemetry.NodesTakenOver.Add(taken.Messages.Count);
                await dispatcher.DispatchAsync(taken.Messages, cancellationToken).ConfigureAwait(false);

                // A worker that died between committing a completion and publishing its messages left them in the
                // outbox: relay them now rather than at the next sweep.
                await dispatcher.RelayAllPendingAsync(cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _beats);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next beat tries again; leases outlast a few missed beats.
            LogBeatFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over {Workers} workers that stopped beating and {Count} nodes they held")]
    private static partial void LogTakenOver(ILogger logger, int workers, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker heartbeat failed; trying again at the next beat")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);
}
