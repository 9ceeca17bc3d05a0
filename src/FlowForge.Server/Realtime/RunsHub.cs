using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace FlowForge.Server.Realtime;

/// <summary>
/// Live run updates over WebSockets (SignalR): a client watches runs it owns and receives every node and run
/// status change as it is committed, whichever process executed it (events cross processes through the events seam).
/// </summary>
[Authorize]
internal sealed class RunsHub(IRunQueries queries) : Hub
{
    public const string Path = "/hubs/runs";

    /// <summary>Starts sending the run's changes to this connection; returns the run's current status, so no change falls between reading and watching.</summary>
    public async Task<string> Watch(Guid runId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);
        var run = await queries.GetRunAsync(runId, Context.User!.UserId(), Context.ConnectionAborted);
        if (run is null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);
            throw new HubException($"Run {runId} was not found.");
        }

        return run.Status.ToString();
    }

    public Task Unwatch(Guid runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId), Context.ConnectionAborted);

    public static string GroupOf(Guid runId) => $"run:{runId:N}";
}
