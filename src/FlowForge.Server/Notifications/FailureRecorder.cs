using System.Threading.Channels;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Notifications;

/// <summary>
/// Turns failed runs into notifications, away from the engine's hot path.
/// <para>
/// It listens to committed run status changes (the events seam) rather than keeping a cursor over the runs tables: the
/// handler only drops the event into a bounded queue, so the engine never waits for notification code, and nothing in
/// the engine or the run tables changes. Every process records what it sees: scaled out, events cross processes
/// through Redis, so several processes see one failure; the store records it once (an insert keyed by run and attempt
/// that ignores duplicates) and each process pushes the resulting notification to the browsers connected to it.
/// </para>
/// <para>
/// What this gives up: a failure that is committed while no process listens (a crash between the commit and the
/// event, or a full queue) is not notified; the run itself stays Failed and visible in the run history. Everything
/// recorded is durable: in-app notifications and pending digests survive a restart.
/// </para>
/// Any error here is logged and swallowed: a notification never changes a run.
/// </summary>
internal sealed partial class FailureRecorder(
    IRunEvents events,
    IRunQueries runs,
    IFlowStore flows,
    INotificationStore store,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    IServiceProvider services,
    ILogger<FailureRecorder> logger) : BackgroundService
{
    private readonly Channel<RunStatusChanged> _failures = Channel.CreateBounded<RunStatusChanged>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private IDisposable? _subscription;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe(null, OnRunEvent, RunEventInterest.FailuresAndCancellations);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _failures.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var failure in _failures.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RecordAsync(failure, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRecordFailed(logger, failure.RunId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // Called synchronously by whoever publishes the event (often the engine): it must neither block nor throw.
    private void OnRunEvent(RunEvent runEvent)
    {
        if (runEvent is RunStatusChanged { Status: RunStatus.Failed } failed && !_failures.Writer.TryWrite(failed))
        {
            LogQueueFull(logger, failed.RunId, options.Value.QueueCapacity);
        }
    }

    private async Task RecordAsync(RunStatusChanged failed, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(failed.RunId, null, cancellationToken);
        if (run is null || run.ParentRunId is not null || run.Status != RunStatus.Failed)
        {
            // Gone, a sub-flow's run (its top-level run tells of the failure), or reopened meanwhile.
            return;
        }

        var flow = await flows.GetVersionAsync(run.FlowId, run.FlowVersion, cancellationToken);
        var o = options.Value;
        var limits = new NotificationLimits(
            o.MaxPerUser,
            TimeSpan.FromMinutes(o.CollapseMinutes),
            o.MaxDigestItemsPerUser,
            TimeSpan.FromSeconds(o.FirstDigestDelaySeconds),
            o.DefaultDigestMinutes,
            o.MaxErrorLength,
            o.Smtp.IsConfigured);
        var failure = new RunFailure(run.Id, run.Attempt, run.FlowId, flow?.Name ?? "(deleted flow)", run.Error ?? failed.Error, time.GetUtcNow());
        var recorded = await store.RecordRunFailureAsync(failure, limits, cancellationToken);
        if (recorded.IsNew)
        {
            LogRecorded(logger, run.Id, run.FlowId, recorded.InApp.Count);
        }

        if (services.GetService<IHubContext<RunsHub>>() is { } hub)
        {
            foreach (var notification in recorded.InApp)
            {
                await hub.Clients.Group(RunsHub.UserGroupOf(notification.UserId))
                    .SendAsync("notification", NotificationView.From(notification), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failure of run {RunId} (flow {FlowId}) recorded; {InApp} in-app notifications")]
    private static partial void LogRecorded(ILogger logger, Guid runId, Guid flowId, int inApp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications about the failure of run {RunId} could not be recorded; the run is unaffected")]
    private static partial void LogRecordFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failure of run {RunId} is not notified: {Capacity} failures wait to be recorded already (Notifications:QueueCapacity)")]
    private static partial void LogQueueFull(ILogger logger, Guid runId, int capacity);
}
