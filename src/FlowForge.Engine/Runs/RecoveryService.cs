using FlowForge.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Resumes work after a crash and catches what slipped through: a scan at start-up (every unfinished run
/// gets its Ready and orphaned Running nodes queued again, timers re-armed), then a slow sweep for expired
/// leases, Ready nodes whose message may be lost (a bounded batch per sweep, each node resent at most once per
/// <see cref="EngineOptions.ReadyResendAfter"/>), nodes left open in runs that have ended, messages left in the
/// outbox and timers coming due. It never polls for ready work: finishing a node queues its children directly.
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

    // Each step catches its own failure: a requeue that fails does not keep due timers or the outbox relay waiting.
    private async Task ScanAsync(bool startup, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var rebuilt = false;
        if (settings.ExecuteWork)
        {
            var soleWorkerStart = startup && settings.SoleWorker;
            await StepAsync("requeue", async () =>
            {
                var requeued = await recovery.RequeueAbandonedAsync(
                    now, soleWorkerStart, settings.ReadyResendAfter, settings.MaxResendsPerSweep, cancellationToken).ConfigureAwait(false);
                if (requeued.Count > 0)
                {
                    LogRequeued(logger, requeued.Count, startup);
                }

                await dispatcher.DispatchAsync(requeued, cancellationToken).ConfigureAwait(false);

                // At a sole worker's start the outbox was rebuilt from state and everything in it was just dispatched.
                rebuilt = soleWorkerStart;
            }, cancellationToken).ConfigureAwait(false);

            await StepAsync("close", async () =>
            {
                var closed = await recovery.CloseNodesOfEndedRunsAsync(now, settings.MaxResendsPerSweep, cancellationToken).ConfigureAwait(false);
                if (closed > 0)
                {
                    LogClosed(logger, closed);
                }
            }, cancellationToken).ConfigureAwait(false);

            await StepAsync("timers", async () =>
            {
                foreach (var (message, dueAt) in await recovery.ListTimersAsync(now + timers.Horizon, cancellationToken).ConfigureAwait(false))
                {
                    timers.Schedule(message, dueAt);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        if (!rebuilt)
        {
            await StepAsync("relay", () => dispatcher.RelayPendingAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StepAsync(string step, Func<Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStepFailed(logger, step, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery closed {Count} nodes left open in runs that had already ended")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery step {Step} failed; the other steps went on, and it runs again at the next interval")]
    private static partial void LogStepFailed(ILogger logger, string step, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery queued {Count} nodes again (start-up: {Startup})")]
    private static partial void LogRequeued(ILogger logger, int count, bool startup);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
