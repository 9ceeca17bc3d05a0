using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace FlowForge.Engine.Runs;

/// <summary>In-process <see cref="IRunEvents"/>: synchronous fan-out to subscribers of one run or of all runs.</summary>
public sealed class RunEventHub : IRunEvents
{
    private readonly ConcurrentDictionary<Guid, ImmutableArray<Action<RunEvent>>> _byRun = new();
    private ImmutableArray<Action<RunEvent>> _all = [];

    public void Publish(RunEvent runEvent)
    {
        foreach (var handler in _all)
        {
            handler(runEvent);
        }

        if (!_byRun.IsEmpty && _byRun.TryGetValue(runEvent.RunId, out var handlers))
        {
            foreach (var handler in handlers)
            {
                handler(runEvent);
            }
        }
    }

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler)
    {
        if (runId is not { } id)
        {
            ImmutableInterlocked.Update(ref _all, static (list, h) => list.Add(h), handler);
            return new Subscription(() => ImmutableInterlocked.Update(ref _all, static (list, h) => list.Remove(h), handler));
        }

        _byRun.AddOrUpdate(id, static (_, h) => [h], static (_, list, h) => list.Add(h), handler);
        return new Subscription(() =>
        {
            while (_byRun.TryGetValue(id, out var list))
            {
                var updated = list.Remove(handler);
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

    /// <summary>Nothing to ask for: every event published here reaches every subscriber here.</summary>
    public IDisposable Watch(Guid runId, RunWatchScope scope) => NoWatch.Instance;

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
