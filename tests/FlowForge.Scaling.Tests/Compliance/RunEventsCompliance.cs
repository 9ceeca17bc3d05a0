using System.Collections.Concurrent;
using FlowForge.Engine.Runs;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>What every <see cref="IRunEvents"/> does: per-run and global subscriptions, local delivery before Publish returns.</summary>
public abstract class RunEventsCompliance
{
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, 123, TimeSpan.Zero);

    /// <summary>A handle on the events: for a shared implementation each call is another process's, else the same.</summary>
    protected abstract Task<IRunEvents> CreateEventsAsync();

    [Fact]
    public async Task Subscribe_ToOneRun_ReceivesThatRunsEventsOnly()
    {
        var events = await CreateEventsAsync();
        var (mine, other) = (Guid.NewGuid(), Guid.NewGuid());
        var received = new ConcurrentQueue<RunEvent>();
        using var subscription = events.Subscribe(mine, received.Enqueue);

        events.Publish(new RunStatusChanged(other, RunStatus.Running, null, T0));
        events.Publish(new NodeStatusChanged(mine, "a", NodeStatus.Succeeded, null, T0));
        events.Publish(new RunStatusChanged(mine, RunStatus.Succeeded, null, T0));

        Assert.Equal(
            [new NodeStatusChanged(mine, "a", NodeStatus.Succeeded, null, T0), new RunStatusChanged(mine, RunStatus.Succeeded, null, T0)],
            received.ToArray());
    }

    [Fact]
    public async Task Subscribe_ToAllRuns_ReceivesEveryRunsEvents()
    {
        var events = await CreateEventsAsync();
        var runs = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var received = new ConcurrentQueue<RunEvent>();
        using var subscription = events.Subscribe(null, received.Enqueue);

        events.Publish(new RunStatusChanged(runs[0], RunStatus.Running, null, T0));
        events.Publish(new RunStatusChanged(runs[1], RunStatus.Failed, "node 'b' failed", T0));

        Assert.Equal(runs, received.Select(e => e.RunId));
    }

    [Fact]
    public async Task Subscribe_Disposed_StopsDelivery()
    {
        var events = await CreateEventsAsync();
        var run = Guid.NewGuid();
        var received = new ConcurrentQueue<RunEvent>();
        var subscription = events.Subscribe(run, received.Enqueue);
        var witnessed = new ConcurrentQueue<RunEvent>();
        using var witness = events.Subscribe(run, witnessed.Enqueue);
        events.Publish(new RunStatusChanged(run, RunStatus.Running, null, T0));

        subscription.Dispose();
        events.Publish(new RunStatusChanged(run, RunStatus.Succeeded, null, T0));
        // A subscription that stayed has the event: the disposed one would have had it by now too.
        await Eventually.TrueAsync(() => witnessed.Count == 2, "the second event at the subscription that stayed");

        Assert.Equal([RunStatus.Running], received.Cast<RunStatusChanged>().Select(e => e.Status));
    }

    [Fact]
    public async Task Publish_OneEventToSeveralSubscribers_EachGetsItOnce()
    {
        var events = await CreateEventsAsync();
        var run = Guid.NewGuid();
        var perRun = new ConcurrentQueue<RunEvent>();
        var all = new ConcurrentQueue<RunEvent>();
        using var first = events.Subscribe(run, perRun.Enqueue);
        using var second = events.Subscribe(null, all.Enqueue);

        events.Publish(new RunStatusChanged(run, RunStatus.Cancelled, null, T0));
        // A second copy of the first event would arrive before this later one.
        events.Publish(new NodeStatusChanged(run, "after", NodeStatus.Succeeded, null, T0));
        await Eventually.TrueAsync(() => perRun.Count >= 2 && all.Count(e => e.RunId == run) >= 2, "the later event at both subscribers");

        Assert.Equal(1, perRun.Count(e => e is RunStatusChanged));
        Assert.Equal(1, all.Count(e => e is RunStatusChanged && e.RunId == run));
    }
}
