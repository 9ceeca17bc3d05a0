using FlowForge.Engine.Runs;

namespace FlowForge.Scaling.Tests.InProcess;

/// <summary>What the in-process hub tells publishers about who hears a run's events.</summary>
public sealed class RunEventHubInterestTests
{
    private readonly RunEventHub _hub = new();
    private readonly Guid _run = Guid.CreateVersion7();
    private readonly Guid _other = Guid.CreateVersion7();

    [Fact]
    public void Hears_NobodySubscribed_Nothing()
    {
        Assert.False(_hub.HearsNodes(_run));
        Assert.All(Enum.GetValues<RunStatus>(), status => Assert.False(_hub.HearsRun(_run, status)));
    }

    [Fact]
    public void Hears_SubscriberOfEveryEventOfEveryRun_Everything()
    {
        using var subscription = _hub.Subscribe(null, _ => { });

        Assert.True(_hub.HearsNodes(_run));
        Assert.True(_hub.HearsRun(_run, RunStatus.Running));
    }

    [Fact]
    public void Hears_SubscriberOfOneRun_ThatRunsEventsOnly()
    {
        using var subscription = _hub.Subscribe(_run, _ => { });

        Assert.True(_hub.HearsNodes(_run));
        Assert.True(_hub.HearsRun(_run, RunStatus.Succeeded));
        Assert.False(_hub.HearsNodes(_other));
        Assert.False(_hub.HearsRun(_other, RunStatus.Succeeded));
    }

    [Fact]
    public void Hears_WaiterForOneRunsStatus_ItsRunStatusChangesButNoNodeEvents()
    {
        using var subscription = _hub.Subscribe(_run, _ => { }, RunEventInterest.RunStatus);

        Assert.True(_hub.HearsRun(_run, RunStatus.Succeeded));
        Assert.False(_hub.HearsNodes(_run));
    }

    [Fact]
    public void Hears_SubscriberOfFailuresOfEveryRun_FailuresAndCancellationsOnly()
    {
        using var subscription = _hub.Subscribe(null, _ => { }, RunEventInterest.FailuresAndCancellations);

        Assert.True(_hub.HearsRun(_run, RunStatus.Failed));
        Assert.True(_hub.HearsRun(_run, RunStatus.Cancelled));
        Assert.False(_hub.HearsRun(_run, RunStatus.Succeeded));
        Assert.False(_hub.HearsRun(_run, RunStatus.Running));
        Assert.False(_hub.HearsNodes(_run));
    }

    [Fact]
    public void Hears_SubscriberOfWatchedRuns_EverythingOfARunWatchedWholeUntilTheWatchEnds()
    {
        var seen = new List<RunEvent>();
        using var subscription = _hub.Subscribe(null, seen.Add, RunEventInterest.WatchedRuns);
        Assert.False(_hub.HearsNodes(_run));

        var first = _hub.Watch(_run, RunWatchScope.Everything);
        var second = _hub.Watch(_run, RunWatchScope.Everything);
        Assert.True(_hub.HearsNodes(_run));
        Assert.True(_hub.HearsRun(_run, RunStatus.Running));
        Assert.False(_hub.HearsNodes(_other));

        first.Dispose();
        first.Dispose();
        Assert.True(_hub.HearsNodes(_run));
        second.Dispose();
        Assert.False(_hub.HearsNodes(_run));
        Assert.False(_hub.HearsRun(_run, RunStatus.Running));
    }

    [Fact]
    public void Hears_SubscriptionDisposed_NoLonger()
    {
        var all = _hub.Subscribe(null, _ => { });
        var one = _hub.Subscribe(_run, _ => { });

        all.Dispose();
        one.Dispose();

        Assert.False(_hub.HearsNodes(_run));
        Assert.False(_hub.HearsRun(_run, RunStatus.Failed));
    }

    [Fact]
    public void Subscribe_OneRunForEveryRunsFailures_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _hub.Subscribe(_run, _ => { }, RunEventInterest.FailuresAndCancellations));

    [Fact]
    public void Publish_ToASubscriberOfOneRunsStatus_StillDeliversWhateverIsPublished()
    {
        var seen = new List<RunEvent>();
        using var subscription = _hub.Subscribe(_run, seen.Add, RunEventInterest.RunStatus);

        _hub.PublishRun(_run, RunStatus.Running, null, DateTimeOffset.UnixEpoch);
        _hub.PublishNode(_run, "a", NodeStatus.Running, null, DateTimeOffset.UnixEpoch);
        _hub.Publish(new NodeStatusChanged(_run, "b", NodeStatus.Running, null, DateTimeOffset.UnixEpoch));

        Assert.Equal(2, seen.Count);
        Assert.IsType<RunStatusChanged>(seen[0]);
        Assert.Equal("b", Assert.IsType<NodeStatusChanged>(seen[1]).NodeId);
    }
}
