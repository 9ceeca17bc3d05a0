using System.Collections.Concurrent;
using FlowForge.Engine.Runs;
using FlowForge.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Realtime;

/// <summary>
/// The runs each hub connection watches, each held as a watch on the events seam (scaled out, that is what makes the
/// executing processes send the run's events here) until the connection unwatches it or goes.
/// </summary>
internal sealed class HubRunWatches(IRunEvents events, IOptions<ApiOptions> api)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, IDisposable>> _byConnection = new();

    // How many connections of this process watch each run: events of the other runs are not sent to the hub at all.
    private readonly ConcurrentDictionary<Guid, int> _watchers = new();

    /// <summary>True while a connection of this process watches the run.</summary>
    public bool IsWatched(Guid runId) => _watchers.ContainsKey(runId);

    /// <summary>False when the connection already watches <see cref="ApiOptions.MaxWatchedRunsPerConnection"/> other runs.</summary>
    public bool TryWatch(string connectionId, Guid runId)
    {
        var watched = _byConnection.GetOrAdd(connectionId, static _ => new ConcurrentDictionary<Guid, IDisposable>());
        if (watched.ContainsKey(runId))
        {
            return true;
        }

        if (watched.Count >= api.Value.MaxWatchedRunsPerConnection)
        {
            return false;
        }

        // Counted before the connection joins the run's group, so no event for it is skipped once it is in the group.
        _watchers.AddOrUpdate(runId, 1, static (_, n) => n + 1);
        var watch = events.Watch(runId, RunWatchScope.Everything);
        if (!watched.TryAdd(runId, watch))
        {
            watch.Dispose();
            Uncount(runId);
        }

        return true;
    }

    public void Unwatch(string connectionId, Guid runId)
    {
        if (_byConnection.TryGetValue(connectionId, out var watched) && watched.TryRemove(runId, out var watch))
        {
            watch.Dispose();
            Uncount(runId);
        }
    }

    public void Forget(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var watched))
        {
            foreach (var (runId, watch) in watched)
            {
                watch.Dispose();
                Uncount(runId);
            }
        }
    }

    private void Uncount(Guid runId)
    {
        var left = _watchers.AddOrUpdate(runId, 0, static (_, n) => n - 1);
        if (left <= 0)
        {
            // Removed only if still at that count: a connection that started watching meanwhile keeps it.
            _watchers.TryRemove(new KeyValuePair<Guid, int>(runId, left));
        }
    }

    /// <summary>Runs the connection watches; for tests.</summary>
    public int CountOf(string connectionId) => _byConnection.TryGetValue(connectionId, out var watched) ? watched.Count : 0;
}
