using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Resumes work after a crash and catches what slipped through: a scan at start-up (every unfinished run
/// gets its Ready and orphaned Running nodes queued again, timers re-armed), then a slow sweep for expired
/// leases, messages left in the outbox and timers coming due. It never polls for ready work: finishing a
/// node queues its children directly.
/// </summary>
public sealed partial class RecoveryService(
    IRecoveryStore recovery,
    OutboxDispatcher dispatcher,
    DurableTimers timers,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<RecoveryService> logger) : BackgroundService
{
    /// <summary>Completes when the start-up scan has queued everything it found (tests and readiness wait on it).</summary>
    public Task StartupScanCompleted => _startupScan.Task;

    private readonly TaskCompletionSource _startupScan = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            await ScanAsync(startup: true, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex);
        }
        finally
        {
            _startupScan.TrySetResult();
        }

        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ScanAsync(startup: false, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ScanAsync(bool startup, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var rebuilt = false;
        if (settings.ExecuteWork)
        {
            var soleWorkerStart = startup && settings.SoleWorker;
            var requeued = await recovery.RequeueAbandonedAsync(now, soleWorkerStart, settings.ReadyResendAfter, cancellationToken).ConfigureAwait(false);
            if (requeued.Count > 0)
            {
                LogRequeued(logger, requeued.Count, startup);
            }

            await dispatcher.DispatchAsync(requeued, cancellationToken).ConfigureAwait(false);

            // At a sole worker's start the outbox was rebuilt from state and everything in it was just dispatched.
            rebuilt = soleWorkerStart;

            foreach (var (message, dueAt) in await recovery.ListTimersAsync(now + timers.Horizon, cancellationToken).ConfigureAwait(false))
            {
                timers.Schedule(message, dueAt);
            }
        }

        if (!rebuilt)
        {
            await dispatcher.RelayPendingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery queued {Count} nodes again (start-up: {Startup})")]
    private static partial void LogRequeued(ILogger logger, int count, bool startup);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
