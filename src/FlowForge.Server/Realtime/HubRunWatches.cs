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

        var watch = events.Watch(runId, RunWatchScope.Everything);
        if (!watched.TryAdd(runId, watch))
        {
            watch.Dispose();
        }

        return true;
    }

    public void Unwatch(string connectionId, Guid runId)
    {
        if (_byConnection.TryGetValue(connectionId, out var watched) && watched.TryRemove(runId, out var watch))
        {
            watch.Dispose();
        }
    }

    public void Forget(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var watched))
        {
            foreach (var watch in watched.Values)
            {
                watch.Dispose();
            }
        }
    }

    /// <summary>Runs the connection watches; for tests.</summary>
    public int CountOf(string connectionId) => _byConnection.TryGetValue(connectionId, out var watched) ? watched.Count : 0;
}
