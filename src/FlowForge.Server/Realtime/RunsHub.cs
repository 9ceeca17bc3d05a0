using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Realtime;

/// <summary>
/// Live run updates over WebSockets (SignalR): a client watches runs it owns and receives every node and run
/// status change as it is committed, whichever process executed it (events cross processes through the events seam).
/// </summary>
[Authorize]
internal sealed class RunsHub(IRunQueries queries, HubRunWatches watches, IOptions<ApiOptions> api) : Hub
{
    public const string Path = "/hubs/runs";

    /// <summary>
    /// Starts sending the run's changes to this connection; returns the run's current status, so no change falls between
    /// reading and watching. Ownership is checked before the connection joins the run's group: a connection is never in the
    /// group of a run it does not own, not even for the moment a check takes.
    /// </summary>
    public async Task<string> Watch(Guid runId)
    {
        var owner = Context.User!.UserId();
        var owned = await queries.GetRunAsync(runId, owner, Context.ConnectionAborted)
            ?? throw new HubException($"Run {runId} was not found.");

        // Watched before the status is read: whatever the read does not show yet arrives as an event.
        if (!watches.TryWatch(Context.ConnectionId, runId))
        {
            throw new HubException(
                $"This connection watches {api.Value.MaxWatchedRunsPerConnection} runs already ({ApiOptions.Section}:{nameof(ApiOptions.MaxWatchedRunsPerConnection)}); unwatch one first.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);

        // Read again now that changes reach this connection: a change committed between the check and joining is in this status.
        var run = await queries.GetRunAsync(runId, owner, Context.ConnectionAborted);
        return (run ?? owned).Status.ToString();
    }

    /// <summary>Every connection hears its user's notifications ("notification" events), whichever page it watches.</summary>
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroupOf(Context.User!.UserId()), Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        watches.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public Task Unwatch(Guid runId)
    {
        watches.Unwatch(Context.ConnectionId, runId);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);
    }

    public static string GroupOf(Guid runId) => $"run:{runId:N}";

    public static string UserGroupOf(Guid userId) => $"user:{userId:N}";
}
