using System.Collections.Concurrent;
using System.Security.Claims;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using FlowForge.Server.Realtime;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Realtime;

// The hub on its own, with the group manager and the run queries recorded in order: the point is what happens
// between the ownership check and joining the group, which a test over a socket cannot pin down.
public sealed class RunsHubOwnershipTests
{
    private static readonly Guid Alice = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();

    [Fact]
    public async Task Watch_AnotherUsersRun_NeverJoinsTheGroup()
    {
        var steps = new ConcurrentQueue<string>();
        var runId = Guid.NewGuid();
        var hub = Hub(Bob, steps, new RecordingQueries(steps, runId, Alice));

        await Assert.ThrowsAsync<HubException>(() => hub.Watch(runId));

        Assert.DoesNotContain(steps, s => s.StartsWith("join", StringComparison.Ordinal));
        Assert.Equal(["read"], steps);
        Assert.DoesNotContain(steps, s => s.StartsWith("watch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_OwnRun_ChecksBeforeJoiningAndReadsTheStatusAfter()
    {
        var steps = new ConcurrentQueue<string>();
        var runId = Guid.NewGuid();
        var hub = Hub(Alice, steps, new RecordingQueries(steps, runId, Alice));

        var status = await hub.Watch(runId);

        Assert.Equal(["read", $"watch {runId} Everything", $"join {RunsHub.GroupOf(runId)}", "read"], steps);
        Assert.Equal(nameof(RunStatus.Running), status);
    }

    private static RunsHub Hub(Guid user, ConcurrentQueue<string> steps, IRunQueries queries)
    {
        var api = Options.Create(new ApiOptions());
        return new(queries, new HubRunWatches(new RecordingEvents(steps), api), api) { Context = new Caller(user), Groups = new RecordingGroups(steps) };
    }

    private sealed class RecordingEvents(ConcurrentQueue<string> steps) : IRunEvents
    {
        public void Publish(RunEvent runEvent) => throw new NotSupportedException();

        public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler) => throw new NotSupportedException();

        public IDisposable Watch(Guid runId, RunWatchScope scope)
        {
            steps.Enqueue($"watch {runId} {scope}");
            return new RunEventHub().Watch(runId, scope);
        }
    }

    private sealed class RecordingQueries(ConcurrentQueue<string> steps, Guid runId, Guid owner) : IRunQueries
    {
        public Task<RunView?> GetRunAsync(Guid id, Guid? ownerId, CancellationToken cancellationToken)
        {
            steps.Enqueue("read");
            return Task.FromResult(id == runId && ownerId == owner
                ? new RunView(id, Guid.NewGuid(), 1, RunStatus.Running, "{}", null, DateTimeOffset.UnixEpoch, null, null, [])
                : null);
        }

        public Task<Page<RunSummary>> ListRunsAsync(Guid flowId, Guid ownerId, PageRequest page, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<Page<RunSummary>> ListRunsByStatusAsync(Guid ownerId, RunStatus? status, PageRequest page, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<LastRun>> LastRunsAsync(Guid ownerId, IReadOnlyCollection<Guid> flowIds, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class RecordingGroups(ConcurrentQueue<string> steps) : IGroupManager
    {
        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        {
            steps.Enqueue($"join {groupName}");
            return Task.CompletedTask;
        }

        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        {
            steps.Enqueue($"leave {groupName}");
            return Task.CompletedTask;
        }
    }

    private sealed class Caller(Guid user) : HubCallerContext
    {
        public override string ConnectionId => "connection-1";

        public override string? UserIdentifier => user.ToString();

        public override ClaimsPrincipal? User { get; } = new(new ClaimsIdentity([new Claim("sub", user.ToString())], "test"));

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
