using System.Collections.Concurrent;
using FlowForge.Engine.Runs;
using FlowForge.Scaling.Redis;
using FlowForge.Scaling.Tests.Compliance;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Redis;

[Collection(ServicesCollection.Name)]
public sealed class RedisRunEventsTests(ITestOutputHelper output) : RunEventsCompliance, IAsyncLifetime
{
    private readonly RedisTestConnections _redis = new(TestServices.Redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _redis.CloseAsync();

    protected override async Task<IRunEvents> CreateEventsAsync() => await OpenAsync();

    [Fact]
    public async Task Publish_InOneProcess_ReachesRunAndGlobalSubscribersOfAnother()
    {
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var perRun = new ConcurrentQueue<RunEvent>();
        var all = new ConcurrentQueue<RunEvent>();
        using var first = listener.Subscribe(run, perRun.Enqueue);
        using var second = listener.Subscribe(null, all.Enqueue);
        using var watch = listener.Watch(run, RunWatchScope.Everything);
        RunEvent[] published =
        [
            new RunStatusChanged(run, RunStatus.Running, null, T0),
            new NodeStatusChanged(run, "fetch-ü", NodeStatus.Failed, "HTTP 500 from https://example.test", T0.AddMilliseconds(1)),
            new RunStatusChanged(run, RunStatus.Failed, "node 'fetch-ü' failed", T0.AddMilliseconds(2)),
        ];

        foreach (var runEvent in published)
        {
            publisher.Publish(runEvent);
        }

        await Eventually.TrueAsync(() => perRun.Count == 3 && all.Count == 3, "the events in the other process");
        Assert.Equal(published, perRun.ToArray());
        Assert.Equal(published, all.ToArray());
    }

    [Fact]
    public async Task Publish_CancellationInTheApiProcess_ReachesTheWorkersWatchingAllRuns()
    {
        var (api, worker) = (await OpenAsync(), await OpenAsync());
        var cancelled = new ConcurrentQueue<Guid>();
        using var watch = worker.Subscribe(null, e =>
        {
            if (e is RunStatusChanged { Status: RunStatus.Cancelled } change)
            {
                cancelled.Enqueue(change.RunId);
            }
        });
        var run = Guid.NewGuid();

        api.Publish(new RunStatusChanged(run, RunStatus.Cancelled, null, T0));

        await Eventually.TrueAsync(() => !cancelled.IsEmpty, "the cancellation at the worker");
        Assert.Equal(run, Assert.Single(cancelled));
    }

    [Fact]
    public async Task Publish_ManyEventsInOneProcess_ArriveInOrderInAnother()
    {
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var received = new ConcurrentQueue<RunEvent>();
        using var subscription = listener.Subscribe(run, received.Enqueue);
        using var watch = listener.Watch(run, RunWatchScope.Everything);

        for (var i = 0; i < 300; i++)
        {
            publisher.Publish(new NodeStatusChanged(run, $"n{i}", NodeStatus.Running, null, T0));
        }

        await Eventually.TrueAsync(() => received.Count == 300, "300 events");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"n{i}"), received.Cast<NodeStatusChanged>().Select(e => e.NodeId));
    }

    [Fact]
    public async Task Publish_OwnEventComesBackFromRedis_IsNotDeliveredTwice()
    {
        var (publisher, observer) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var local = new ConcurrentQueue<RunEvent>();
        var remote = new ConcurrentQueue<RunEvent>();
        using var first = publisher.Subscribe(run, local.Enqueue);
        using var second = observer.Subscribe(run, remote.Enqueue);
        using var watchHere = publisher.Watch(run, RunWatchScope.Everything);
        using var watchThere = observer.Watch(run, RunWatchScope.Everything);
        await Eventually.TrueAsync(() => publisher.IsWatched(new NodeStatusChanged(run, "x", NodeStatus.Running, null, T0)), "the publisher to know the watch");

        publisher.Publish(new RunStatusChanged(run, RunStatus.Succeeded, null, T0));
        await Eventually.TrueAsync(() => remote.Count == 1, "the event at the observer");
        // Published after Redis sent the first event on, so it reaches the publisher after the first event's echo.
        observer.Publish(new NodeStatusChanged(run, "later", NodeStatus.Succeeded, null, T0));
        await Eventually.TrueAsync(() => local.Any(e => e is NodeStatusChanged), "the observer's event at the publisher");

        Assert.Single(local, e => e is RunStatusChanged);
    }

    [Fact]
    public async Task Publish_UnwatchedRun_StaysInItsProcessButFailuresAndCancellationsTravel()
    {
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var (unwatched, marker) = (Guid.NewGuid(), Guid.NewGuid());
        var received = new ConcurrentQueue<RunEvent>();
        var local = new ConcurrentQueue<RunEvent>();
        using var all = listener.Subscribe(null, received.Enqueue);
        using var here = publisher.Subscribe(unwatched, local.Enqueue);
        using var watch = listener.Watch(marker, RunWatchScope.RunStatus);
        await Eventually.TrueAsync(() => publisher.IsWatched(new RunStatusChanged(marker, RunStatus.Running, null, T0)), "the publisher to know the watch");

        publisher.Publish(new RunStatusChanged(unwatched, RunStatus.Running, null, T0));
        publisher.Publish(new NodeStatusChanged(unwatched, "a", NodeStatus.Succeeded, null, T0));
        publisher.Publish(new RunStatusChanged(unwatched, RunStatus.Succeeded, null, T0));
        var other = Guid.NewGuid();
        publisher.Publish(new RunStatusChanged(other, RunStatus.Failed, "node 'a' failed", T0));
        publisher.Publish(new RunStatusChanged(other, RunStatus.Cancelled, null, T0));
        publisher.Publish(new RunStatusChanged(marker, RunStatus.Succeeded, null, T0));

        // One channel, in order: once the marker is there, anything sent before it is too.
        await Eventually.TrueAsync(() => received.Any(e => e.RunId == marker), "the watched run's event");
        Assert.Equal([other, other, marker], received.Select(e => e.RunId).ToArray());
        Assert.Equal(3, publisher.SentCount);
        Assert.Equal(3, local.Count);
    }

    [Fact]
    public async Task Watch_AfterTheRunsFirstEvents_SendsThemInOrderAndTheRestAsTheyCome()
    {
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var received = new ConcurrentQueue<RunEvent>();
        using var subscription = listener.Subscribe(run, received.Enqueue);
        RunEvent[] early =
        [
            new RunStatusChanged(run, RunStatus.Running, null, T0),
            new NodeStatusChanged(run, "a", NodeStatus.Running, null, T0),
            new NodeStatusChanged(run, "a", NodeStatus.Succeeded, null, T0.AddMilliseconds(1)),
        ];
        foreach (var runEvent in early)
        {
            publisher.Publish(runEvent);
        }

        Assert.Equal(0, publisher.SentCount);
        using var watch = listener.Watch(run, RunWatchScope.Everything);
        await Eventually.TrueAsync(() => received.Count == 3, "the events published before the watch");
        var late = new RunStatusChanged(run, RunStatus.Succeeded, null, T0.AddMilliseconds(2));
        publisher.Publish(late);

        await Eventually.TrueAsync(() => received.Count == 4, "the event published after the watch");
        Assert.Equal([.. early, late], received.ToArray());
        Assert.Equal(4, publisher.SentCount);
    }

    [Fact]
    public async Task Watch_RunStatusScope_SendsRunStatusChangesButNotNodeEvents()
    {
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var received = new ConcurrentQueue<RunEvent>();
        using var subscription = listener.Subscribe(run, received.Enqueue);
        using var watch = listener.Watch(run, RunWatchScope.RunStatus);
        await Eventually.TrueAsync(() => publisher.IsWatched(new RunStatusChanged(run, RunStatus.Running, null, T0)), "the publisher to know the watch");

        publisher.Publish(new NodeStatusChanged(run, "a", NodeStatus.Succeeded, null, T0));
        publisher.Publish(new RunStatusChanged(run, RunStatus.Succeeded, null, T0));

        await Eventually.TrueAsync(() => !received.IsEmpty, "the run's end");
        Assert.Equal([new RunStatusChanged(run, RunStatus.Succeeded, null, T0)], received.ToArray());
        Assert.Equal(1, publisher.SentCount);
    }

    [Fact]
    public async Task Watch_Disposed_LapsesAfterTheWatchLifetime()
    {
        _redis.Options.WatchLifetime = TimeSpan.FromSeconds(1);
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var probe = new NodeStatusChanged(run, "a", NodeStatus.Running, null, T0);
        var watch = listener.Watch(run, RunWatchScope.Everything);
        await Eventually.TrueAsync(() => publisher.IsWatched(probe), "the publisher to know the watch");

        watch.Dispose();

        await Eventually.TrueAsync(() => !publisher.IsWatched(probe), "the watch to lapse");
        publisher.Publish(probe);
        Assert.Equal(0, publisher.SentCount);
    }

    [Fact]
    public async Task Watch_HeldLongerThanItsLifetime_IsAnnouncedAgain()
    {
        // Two seconds (announced again every 667 ms): a busy machine may hold a refresh back a second and more, and a
        // lifetime of one second would then lapse though the watch was announced again.
        _redis.Options.WatchLifetime = TimeSpan.FromSeconds(2);
        var (publisher, listener) = (await OpenAsync(), await OpenAsync());
        var run = Guid.NewGuid();
        var probe = new NodeStatusChanged(run, "a", NodeStatus.Running, null, T0);
        using var watch = listener.Watch(run, RunWatchScope.Everything);
        await Eventually.TrueAsync(() => publisher.IsWatched(probe), "the publisher to know the watch");
        var until = DateTime.UtcNow.AddSeconds(5);

        // Two and a half lifetimes, checked throughout: a watch that was not announced again would lapse within one.
        await Eventually.MatchesAsync(
            () => !publisher.IsWatched(probe) || DateTime.UtcNow > until, done => done, "two and a half watch lifetimes", TimeSpan.FromSeconds(30));
        Assert.True(publisher.IsWatched(probe));
    }

    private async Task<RedisRunEvents> OpenAsync()
    {
        var events = _redis.Own(new RedisRunEvents(await _redis.ConnectAsync(), _redis.Options, new TestOutputLogger<RedisRunEvents>(output)));
        await Eventually.WithinAsync(events.StartAsync(CancellationToken.None), "the run events to subscribe");
        return events;
    }
}
