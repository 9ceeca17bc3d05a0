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

        publisher.Publish(new RunStatusChanged(run, RunStatus.Succeeded, null, T0));
        await Eventually.TrueAsync(() => remote.Count == 1, "the event at the observer");
        // Published after Redis sent the first event on, so it reaches the publisher after the first event's echo.
        observer.Publish(new NodeStatusChanged(run, "later", NodeStatus.Succeeded, null, T0));
        await Eventually.TrueAsync(() => local.Any(e => e is NodeStatusChanged), "the observer's event at the publisher");

        Assert.Single(local, e => e is RunStatusChanged);
    }

    private async Task<RedisRunEvents> OpenAsync()
    {
        var events = _redis.Own(new RedisRunEvents(await _redis.ConnectAsync(), _redis.Options, new TestOutputLogger<RedisRunEvents>(output)));
        await Eventually.WithinAsync(events.StartAsync(CancellationToken.None), "the run events to subscribe");
        return events;
    }
}
