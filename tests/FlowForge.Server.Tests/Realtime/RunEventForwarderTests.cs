using FlowForge.Engine.Runs;
using FlowForge.Server.Hosting;
using FlowForge.Server.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Realtime;

public sealed class RunEventForwarderTests
{
    private readonly RunEventHub _events = new();
    private readonly RecordingHub _hub = new();

    [Fact]
    public void Forward_RunWatchedByNoConnection_SendsNothingToTheHub()
    {
        var watches = new HubRunWatches(_events, Options.Create(new ApiOptions()));
        var forwarder = new RunEventForwarder(_events, _hub, watches);
        var (watched, unwatched) = (Guid.NewGuid(), Guid.NewGuid());
        watches.TryWatch("c1", watched);

        forwarder.Forward(new NodeStatusChanged(unwatched, "a", NodeStatus.Succeeded, null, DateTimeOffset.UnixEpoch));
        forwarder.Forward(new RunStatusChanged(unwatched, RunStatus.Succeeded, null, DateTimeOffset.UnixEpoch));
        forwarder.Forward(new NodeStatusChanged(watched, "a", NodeStatus.Succeeded, null, DateTimeOffset.UnixEpoch));
        forwarder.Forward(new RunStatusChanged(watched, RunStatus.Succeeded, null, DateTimeOffset.UnixEpoch));

        Assert.Equal([$"{RunsHub.GroupOf(watched)} node", $"{RunsHub.GroupOf(watched)} run"], _hub.Sent);
    }

    [Fact]
    public async Task Started_RunNoConnectionWatches_HasNoEventBuiltUntilOneWatchesIt()
    {
        // The forwarder used to subscribe to every event of every run: each node of each run made an event for it.
        var watches = new HubRunWatches(_events, Options.Create(new ApiOptions()));
        var forwarder = new RunEventForwarder(_events, _hub, watches);
        await forwarder.StartAsync(CancellationToken.None);
        var run = Guid.NewGuid();
        Assert.False(_events.HearsNodes(run));
        Assert.False(_events.HearsRun(run, RunStatus.Succeeded));

        watches.TryWatch("c1", run);
        Assert.True(_events.HearsNodes(run));
        _events.PublishNode(run, "a", NodeStatus.Running, null, DateTimeOffset.UnixEpoch);
        _events.PublishRun(run, RunStatus.Succeeded, null, DateTimeOffset.UnixEpoch);
        watches.Forget("c1");
        _events.PublishNode(run, "b", NodeStatus.Running, null, DateTimeOffset.UnixEpoch);

        Assert.False(_events.HearsNodes(run));
        Assert.Equal([$"{RunsHub.GroupOf(run)} node", $"{RunsHub.GroupOf(run)} run"], _hub.Sent);
        await forwarder.StopAsync(CancellationToken.None);
    }

    private sealed class RecordingHub : IHubContext<RunsHub>
    {
        public List<string> Sent { get; } = [];

        public IHubClients Clients => new RecordingClients(this);

        public IGroupManager Groups => throw new NotSupportedException();
    }

    private sealed class RecordingClients(RecordingHub hub) : IHubClients
    {

        public IClientProxy All => throw new NotSupportedException();

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IClientProxy Client(string connectionId) => throw new NotSupportedException();

        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IClientProxy Group(string groupName) => new Proxy(hub, groupName);

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IClientProxy Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IClientProxy User(string userId) => throw new NotSupportedException();

        public IClientProxy Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        private sealed class Proxy(RecordingHub hub, string group) : IClientProxy
        {
            public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
            {
                lock (hub.Sent)
                {
                    hub.Sent.Add($"{group} {method}");
                }

                return Task.CompletedTask;
            }
        }
    }
}
