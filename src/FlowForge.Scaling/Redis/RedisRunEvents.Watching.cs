using System.Collections.Concurrent;
using FlowForge.Engine.Runs;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// The watch table. A process that watches a run announces it on the watches channel (and again every third of
/// <see cref="RedisOptions.WatchLifetime"/> while it watches); every process, this one included, records the run
/// with an expiry. An unwatched event is kept in a small ring (<see cref="RedisOptions.UnwatchedEventsKept"/>): a
/// watch that arrives after some of its run's events sends those on first, in order, so a watcher that watches and
/// then reads the run misses nothing, even when the run ran on another process before the watch got there.
/// </summary>
public sealed partial class RedisRunEvents
{
    private const byte WatchFormat = 1;
    private const int RunIdBytes = 16;
    private const int MaxRunsPerWatchMessage = 1_000;
    private const int Stripes = 64;

    private readonly TimeProvider _time;
    private readonly RedisChannel _watchChannel;
    private readonly RedisChannelListener _watchListener;
    private readonly TimeSpan _watchLifetime;

    // Runs some process watches, with the widest scope asked for and when the watch lapses (a TimeProvider timestamp).
    private readonly ConcurrentDictionary<Guid, Watched> _watched = new();

    // This process's own watches, counted, so they are announced again while any is held.
    private readonly ConcurrentDictionary<(Guid RunId, RunWatchScope Scope), int> _mine = new();

    // A deciding publish and a watch arriving for the same run are serialized, so a run's events keep their order.
    private readonly Lock[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new Lock())];
    private readonly RunEvent?[] _unsent;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _refreshGate = new();
    private Task? _refresh;
    private long _unsentLast = -1;
    private long _sent;

    public IDisposable Watch(Guid runId, RunWatchScope scope)
    {
        StartWatching();
        _mine.AddOrUpdate((runId, scope), 1, static (_, count) => count + 1);
        Announce(scope, [runId]);
        return new WatchHandle(this, runId, scope);
    }

    /// <summary>True when some process watches the run for events like this one; for tests.</summary>
    public bool IsWatched(RunEvent runEvent) => Wants(runEvent, _time.GetTimestamp());

    // Failures feed notifications and cancellations stop executions wherever they run: every process needs them.
    private static bool IsAlwaysSent(RunEvent runEvent) =>
        runEvent is RunStatusChanged { Status: RunStatus.Failed or RunStatus.Cancelled };

    private void SendIfWatched(RunEvent runEvent)
    {
        lock (StripeOf(runEvent.RunId))
        {
            if (Wants(runEvent, _time.GetTimestamp()))
            {
                PublishRemote(runEvent);
            }
            else if (_unsent.Length > 0)
            {
                var slot = (int)((ulong)Interlocked.Increment(ref _unsentLast) % (ulong)_unsent.Length);
                Volatile.Write(ref _unsent[slot], runEvent);
            }
        }
    }

    // A failure or cancellation goes out after the run's kept events, so whoever watches gets them in order.
    private void SendWithKept(RunEvent runEvent)
    {
        lock (StripeOf(runEvent.RunId))
        {
            SendKept(runEvent.RunId, RunWatchScope.Everything);
            PublishRemote(runEvent);
        }
    }

    private bool Wants(RunEvent runEvent, long now) =>
        // By key only: the dictionary's IsEmpty takes every lock of it when it is empty (most events of unwatched runs).
        _watched.TryGetValue(runEvent.RunId, out var watched)
        && watched.Until > now
        && (watched.Scope == RunWatchScope.Everything || runEvent is RunStatusChanged);

    private Lock StripeOf(Guid runId) => _stripes[(runId.GetHashCode() & int.MaxValue) % Stripes];

    private void Announce(RunWatchScope scope, IReadOnlyList<Guid> runIds)
    {
        for (var start = 0; start < runIds.Count; start += MaxRunsPerWatchMessage)
        {
            var count = Math.Min(MaxRunsPerWatchMessage, runIds.Count - start);
            var message = new byte[2 + (count * RunIdBytes)];
            message[0] = WatchFormat;
            message[1] = (byte)scope;
            for (var i = 0; i < count; i++)
            {
                runIds[start + i].TryWriteBytes(message.AsSpan(2 + (i * RunIdBytes), RunIdBytes));
            }

            try
            {
                _redis.GetSubscriber().Publish(_watchChannel, message, CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogAnnounceFailed(_logger, count, ex.Message);
            }
        }
    }

    private Task OnWatchMessageAsync(RedisValue message)
    {
        var bytes = (byte[])message!;
        if (bytes is not { Length: >= 2 } || bytes[0] != WatchFormat || bytes[1] > (byte)RunWatchScope.Everything
            || (bytes.Length - 2) % RunIdBytes != 0)
        {
            LogUnreadable(_logger, _watchChannel.ToString());
            return Task.CompletedTask;
        }

        var scope = (RunWatchScope)bytes[1];
        var now = _time.GetTimestamp();
        var until = now + (long)(_watchLifetime.TotalSeconds * _time.TimestampFrequency);
        for (var offset = 2; offset < bytes.Length; offset += RunIdBytes)
        {
            var runId = new Guid(bytes.AsSpan(offset, RunIdBytes));
            lock (StripeOf(runId))
            {
                var widened = !_watched.TryGetValue(runId, out var before) || before.Until <= now || scope > before.Scope;
                var kept = before.Until > now && before.Scope > scope ? before.Scope : scope;
                _watched[runId] = new Watched(until, kept);
                if (widened)
                {
                    SendKept(runId, kept);
                }
            }
        }

        return Task.CompletedTask;
    }

    // Under the run's stripe lock: sends the run's kept events, oldest first, each once.
    private void SendKept(Guid runId, RunWatchScope scope)
    {
        var length = _unsent.Length;
        if (length == 0)
        {
            return;
        }

        var last = Interlocked.Read(ref _unsentLast);
        for (var index = Math.Max(0, last - length + 1); index <= last; index++)
        {
            var slot = (int)(index % length);
            var kept = Volatile.Read(ref _unsent[slot]);
            if (kept is not null && kept.RunId == runId && (scope == RunWatchScope.Everything || kept is RunStatusChanged)
                && ReferenceEquals(Interlocked.CompareExchange(ref _unsent[slot], null, kept), kept))
            {
                PublishRemote(kept);
            }
        }
    }

    private void StartWatching()
    {
        if (Volatile.Read(ref _refresh) is null)
        {
            lock (_refreshGate)
            {
                if (_refresh is null && !_stopping.IsCancellationRequested)
                {
                    _watchListener.Start();
                    _refresh = Task.Run(RefreshAsync);
                }
            }
        }
    }

    /// <summary>Announces this process's watches again and forgets lapsed ones, every third of the watch lifetime.</summary>
    private async Task RefreshAsync()
    {
        using var timer = new PeriodicTimer(_watchLifetime / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var scope in (ReadOnlySpan<RunWatchScope>)[RunWatchScope.RunStatus, RunWatchScope.Everything])
                {
                    var runIds = _mine.Keys.Where(k => k.Scope == scope).Select(k => k.RunId).ToList();
                    Announce(scope, runIds);
                }

                var now = _time.GetTimestamp();
                foreach (var (runId, watched) in _watched)
                {
                    if (watched.Until <= now)
                    {
                        _watched.TryRemove(KeyValuePair.Create(runId, watched));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task StopWatchingAsync()
    {
        Task? refresh;
        lock (_refreshGate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            refresh = _refresh;
        }

        if (refresh is not null)
        {
            await refresh.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void Unwatch(Guid runId, RunWatchScope scope)
    {
        // The other processes forget it when its lifetime lapses: another process may still watch the same run.
        var key = (runId, scope);
        while (_mine.TryGetValue(key, out var count))
        {
            var done = count == 1 ? _mine.TryRemove(KeyValuePair.Create(key, count)) : _mine.TryUpdate(key, count - 1, count);
            if (done)
            {
                return;
            }
        }
    }

    private readonly record struct Watched(long Until, RunWatchScope Scope);

    private sealed class WatchHandle(RedisRunEvents owner, Guid runId, RunWatchScope scope) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unwatch(runId, scope);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing watches of {Count} runs to other processes failed: {Reason}")]
    private static partial void LogAnnounceFailed(ILogger logger, int count, string reason);
}
