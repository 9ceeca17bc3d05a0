using FlowForge.Engine.Runs;
using Microsoft.AspNetCore.SignalR;

namespace FlowForge.Server.Realtime;

/// <summary>
/// Forwards committed run events to the SignalR group of the run (clients that watch it on this process). Events of runs
/// no connection here watches are dropped before the hub: most runs are watched by nobody.
/// </summary>
internal sealed class RunEventForwarder(IRunEvents events, IHubContext<RunsHub> hub, HubRunWatches watches) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe(null, Forward, RunEventInterest.WatchedRuns);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    internal void Forward(RunEvent runEvent)
    {
        if (!watches.IsWatched(runEvent.RunId))
        {
            return;
        }

        var group = hub.Clients.Group(RunsHub.GroupOf(runEvent.RunId));
        _ = runEvent switch
        {
            NodeStatusChanged node => group.SendAsync("node", new { runId = node.RunId, nodeId = node.NodeId, status = node.Status.ToString(), error = node.Error, at = node.At }),
            RunStatusChanged run => group.SendAsync("run", new { runId = run.RunId, status = run.Status.ToString(), error = run.Error, at = run.At }),
            _ => Task.CompletedTask,
        };
    }
}
