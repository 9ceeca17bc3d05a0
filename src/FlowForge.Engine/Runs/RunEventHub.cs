using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace FlowForge.Engine.Runs;

/// <summary>
/// In-process <see cref="IRunEvents"/>: synchronous fan-out to subscribers of one run or of all runs. It knows what each
/// subscriber needs (<see cref="RunEventInterest"/>) and which runs are watched, so it tells publishers when an event
/// would reach nobody: a run that no caller waits for and no live view watches has no event built.
/// </summary>
public sealed class RunEventHub : IRunEvents
{
    private readonly ConcurrentDictionary<Guid, ImmutableArray<Listener>> _byRun = new();
    private ImmutableArray<Action<RunEvent>> _all = [];

    // How many all-runs subscribers need each kind of event; those of watched runs only are not counted.
    private int _allEverything;
    private int _allRunStatus;
    private int _allFailures;

    // How many watches of each run with RunWatchScope.Everything are held (the live hub's).
    // Both dictionaries are asked only by key (TryGetValue, ContainsKey: no lock): their IsEmpty and Count take every lock
    // of the dictionary when it is empty, which every start and node completion contended for while nobody watched.
    private readonly ConcurrentDictionary<Guid, int> _watched = new();

    public void Publish(RunEvent runEvent)
    {
        foreach (var handler in _all)
        {
            handler(runEvent);
        }

        if (_byRun.TryGetValue(runEvent.RunId, out var listeners))
        {
            foreach (var listener in listeners)
            {
                listener.Handler(runEvent);
            }
        }
    }

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler) => Subscribe(runId, handler, RunEventInterest.Everything);

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler, RunEventInterest interest)
    {
        if (!Enum.IsDefined(interest))
        {
            throw new ArgumentOutOfRangeException(nameof(interest), interest, null);
        }

        if (runId is not { } id)
        {
            // Counted once the handler is in: a publisher that sees the count finds the handler.
            ImmutableInterlocked.Update(ref _all, static (list, h) => list.Add(h), handler);
            Count(interest, 1);
            return new Subscription(() =>
            {
                Count(interest, -1);
                ImmutableInterlocked.Update(ref _all, static (list, h) => list.Remove(h), handler);
            });
        }

        if (interest is not (RunEventInterest.Everything or RunEventInterest.RunStatus))
        {
            throw new ArgumentOutOfRangeException(nameof(interest), interest, "A subscription to one run takes its every event or its status changes.");
        }

        var listener = new Listener(handler, interest == RunEventInterest.Everything);
        _byRun.AddOrUpdate(id, static (_, l) => [l], static (_, list, l) => list.Add(l), listener);
        return new Subscription(() =>
        {
            while (_byRun.TryGetValue(id, out var list))
            {
                var updated = list.Remove(listener);
                var done = updated.IsEmpty
                    ? _byRun.TryRemove(KeyValuePair.Create(id, list))
                    : _byRun.TryUpdate(id, updated, list);
                if (done)
                {
                    return;
                }
            }
        });
    }

    /// <summary>
    /// Every event published here reaches every subscriber here; a watch of the run's every event is counted so that its
    /// node events are built for the subscribers of watched runs (a watch of its status alone comes with a subscription
    /// to the run, which makes them heard).
    /// </summary>
    public IDisposable Watch(Guid runId, RunWatchScope scope)
    {
        if (scope != RunWatchScope.Everything)
        {
            return NoWatch.Instance;
        }

        _watched.AddOrUpdate(runId, 1, static (_, n) => n + 1);
        return new Subscription(() =>
        {
            var left = _watched.AddOrUpdate(runId, 0, static (_, n) => n - 1);
            if (left <= 0)
            {
                // Removed only if still at that count: a watch taken meanwhile keeps it.
                _watched.TryRemove(KeyValuePair.Create(runId, left));
            }
        });
    }

    public bool HearsNodes(Guid runId)
    {
        if (Volatile.Read(ref _allEverything) > 0 || _watched.ContainsKey(runId))
        {
            return true;
        }

        if (_byRun.TryGetValue(runId, out var listeners))
        {
            foreach (var listener in listeners)
            {
                if (listener.Nodes)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public bool HearsRun(Guid runId, RunStatus status) =>
        Volatile.Read(ref _allEverything) > 0
        || Volatile.Read(ref _allRunStatus) > 0
        || (status is RunStatus.Failed or RunStatus.Cancelled && Volatile.Read(ref _allFailures) > 0)
        || _byRun.ContainsKey(runId)
        || _watched.ContainsKey(runId);

    private void Count(RunEventInterest interest, int by)
    {
        switch (interest)
        {
            case RunEventInterest.Everything:
                Interlocked.Add(ref _allEverything, by);
                break;
            case RunEventInterest.RunStatus:
                Interlocked.Add(ref _allRunStatus, by);
                break;
            case RunEventInterest.FailuresAndCancellations:
                Interlocked.Add(ref _allFailures, by);
                break;
            default:
                // Runs watched on this process: the watches make their events heard.
                break;
        }
    }

    /// <summary>A subscriber of one run, and whether it needs the run's node events.</summary>
    private readonly record struct Listener(Action<RunEvent> Handler, bool Nodes);

    private sealed class NoWatch : IDisposable
    {
        public static readonly NoWatch Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
