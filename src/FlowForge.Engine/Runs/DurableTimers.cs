using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Wakes waiting nodes. The due time lives in the database (the node stays Running with WaitUntil set);
/// this class only keeps in-memory timers for the ones due before the next sweep, so a wait holds no
/// thread and survives a restart: the sweep and the start-up scan re-arm timers from the database.
/// </summary>
public sealed partial class DurableTimers(IWorkQueue queue, TimeProvider time, IOptions<EngineOptions> options, ILogger<DurableTimers> logger) : IDisposable
{
    private readonly ConcurrentDictionary<(Guid RunId, string NodeId, long Version), ITimer> _armed = new();

    private static readonly TimeSpan WakeMargin = TimeSpan.FromMilliseconds(15);

    /// <summary>Timers further away than this are left to a later sweep.</summary>
    public TimeSpan Horizon => options.Value.SweepInterval * 2;

    public void Schedule(WorkMessage message, DateTimeOffset dueAt)
    {
        // Timers tick on a millisecond clock and may fire a moment before the precise due time, when the claim would
        // still see the wait as not over and drop the message: wake a little after it instead.
        var now = time.GetUtcNow();
        var delay = dueAt - now + WakeMargin;
        if (delay > Horizon)
        {
            return;
        }

        var key = (message.RunId, message.NodeId, message.Version);
        if (_armed.ContainsKey(key))
        {
            return;
        }

        var timer = time.CreateTimer(_ => Fire(key, message), null, NotNegative(delay), Timeout.InfiniteTimeSpan);
        if (!_armed.TryAdd(key, timer))
        {
            timer.Dispose();
            return;
        }

        // A timer counts its delay from the clock's time when it is created. Had the clock moved on since it was read above
        // (a clock set forward, a thread held that long), the wake-up would come that much late: arm it again from now.
        var moved = time.GetUtcNow() - now;
        if (moved > WakeMargin)
        {
            timer.Change(NotNegative(delay - moved), Timeout.InfiniteTimeSpan);
        }
    }

    private static TimeSpan NotNegative(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay;

    public void Dispose()
    {
        foreach (var timer in _armed.Values)
        {
            timer.Dispose();
        }

        _armed.Clear();
    }

    private async void Fire((Guid, string, long) key, WorkMessage message)
    {
        // Disarm before publishing: handling the message may arm the same key again (a retry), which must not be lost.
        if (_armed.TryRemove(key, out var timer))
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await queue.PublishAsync([message], CancellationToken.None).ConfigureAwait(false);
            EngineTelemetry.MessagesPublished.Add(1);
        }
        catch (Exception ex)
        {
            // The node stays waiting in the database; the next sweep arms the timer again.
            LogWakeFailed(logger, message.RunId, message.NodeId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking node {NodeId} of run {RunId} failed; the sweep will retry")]
    private static partial void LogWakeFailed(ILogger logger, Guid runId, string nodeId, Exception exception);
}
