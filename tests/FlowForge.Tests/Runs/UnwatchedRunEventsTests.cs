using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FlowForge.Tests.Testing.PureFlows;

namespace FlowForge.Tests.Runs;

/// <summary>
/// Run and node status events are built only for runs somebody hears: a run nobody waits for and no live view watches
/// makes no event object at all; a waiting caller gets its run's status changes, a watcher every event, as before.
/// </summary>
public sealed class UnwatchedRunEventsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task StartAsync_DiamondNobodyWatches_PublishesNoEvent()
    {
        var events = new CountingRunEvents();
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s => s.AddSingleton<IRunEvents>(events));
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());

        var runId = await StartAsync(harness, flowId);

        Assert.Equal(RunStatus.Succeeded, (await harness.GetRunAsync(runId))!.Status);
        // 13 events before: the run pending, running and succeeded, the trigger's start and end, and each node's.
        Assert.Equal(0, events.PublishedFor(runId));
    }

    [Fact]
    public async Task StartAsync_DiamondFollowedWhole_PublishesEveryEventAsBefore()
    {
        var events = new CountingRunEvents();
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s => s.AddSingleton<IRunEvents>(events));
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());
        var runId = Guid.CreateVersion7();
        var seen = new ConcurrentQueue<RunEvent>();
        using var subscription = events.Subscribe(runId, seen.Enqueue);

        await StartAsync(harness, flowId, runId);

        output.WriteLine($"{seen.Count} events");
        Assert.Equal([RunStatus.Pending, RunStatus.Running, RunStatus.Succeeded], seen.OfType<RunStatusChanged>().Select(e => e.Status));
        var told = seen.OfType<NodeStatusChanged>().ToList();
        Assert.All(Diamond, id => Assert.Equal([NodeStatus.Running, NodeStatus.Succeeded], told.Where(e => e.NodeId == id).Select(e => e.Status)));
        Assert.Equal(NodeStatus.Succeeded, told.Last(e => e.NodeId == "trigger").Status);
        Assert.Equal(seen.Count, events.PublishedFor(runId));
    }

    [Fact]
    public async Task StartAsync_DiamondWaitedFor_PublishesItsRunStatusChangesOnly()
    {
        var events = new CountingRunEvents();
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s => s.AddSingleton<IRunEvents>(events));
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());
        var runId = Guid.CreateVersion7();
        var seen = new ConcurrentQueue<RunEvent>();
        using var subscription = events.Subscribe(runId, seen.Enqueue, RunEventInterest.RunStatus);

        await StartAsync(harness, flowId, runId);

        Assert.Equal([RunStatus.Pending, RunStatus.Running, RunStatus.Succeeded], seen.OfType<RunStatusChanged>().Select(e => e.Status));
        Assert.Empty(seen.OfType<NodeStatusChanged>());
        Assert.Equal(3, events.PublishedFor(runId));
    }

    [Fact]
    public async Task StartAsync_DiamondWatchedWhileAnotherIsNot_ToldToTheWatchersOfWatchedRunsOnlyForTheWatchedOne()
    {
        var events = new CountingRunEvents();
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s => s.AddSingleton<IRunEvents>(events));
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());
        var watchedId = Guid.CreateVersion7();
        var seen = new ConcurrentQueue<RunEvent>();
        // What the live hub does: one subscription to the events of watched runs, and a watch per run a client opens.
        using var subscription = events.Subscribe(null, seen.Enqueue, RunEventInterest.WatchedRuns);
        using var watch = events.Watch(watchedId, RunWatchScope.Everything);

        await StartAsync(harness, flowId, watchedId);
        var unwatchedId = await StartAsync(harness, flowId);

        var told = seen.Where(e => e.RunId == watchedId).OfType<NodeStatusChanged>().ToList();
        Assert.All(Diamond, id => Assert.Equal(
            [NodeStatus.Running, NodeStatus.Succeeded], told.Where(e => e.NodeId == id).Select(e => e.Status)));
        Assert.Equal(RunStatus.Succeeded, seen.OfType<RunStatusChanged>().Last(e => e.RunId == watchedId).Status);
        Assert.DoesNotContain(seen, e => e.RunId == unwatchedId);
        Assert.Equal(0, events.PublishedFor(unwatchedId));
    }

    [Fact]
    public async Task StartAsync_DiamondFailingThatNobodyWatches_PublishesOnlyItsFailure()
    {
        var events = new CountingRunEvents();
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s => s.AddSingleton<IRunEvents>(events));
        var flowId = await harness.CreateFlowAsync(DiamondFlow(failAt: "c").ToJson());
        var failures = new ConcurrentQueue<RunEvent>();
        // What failure notifications and the worker's cancellation watch subscribe with.
        using var subscription = events.Subscribe(null, failures.Enqueue, RunEventInterest.FailuresAndCancellations);

        var runId = await StartAsync(harness, flowId);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        // The event follows the commit the run's status is read from: it may land a moment after that read.
        await Eventually.TrueAsync(() => !failures.IsEmpty, "the run's failure to be published");
        var failed = Assert.Single(failures);
        Assert.Equal((runId, RunStatus.Failed), (failed.RunId, ((RunStatusChanged)failed).Status));
    }

    // The pure start is not cut short by a slow machine: the run is finished by its start.
    private static void Untimed(EngineOptions options) => options.PureStartTime = TimeSpan.FromSeconds(10);

    private static async Task<Guid> StartAsync(EngineHarness harness, Guid flowId, Guid? runId = null)
    {
        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId ?? Guid.CreateVersion7(), EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7 }, null), CancellationToken.None);
        return start.RunId;
    }

    /// <summary>The in-process hub, counting the events published to it per run.</summary>
    private sealed class CountingRunEvents : IRunEvents
    {
        private readonly RunEventHub _hub = new();
        private readonly ConcurrentDictionary<Guid, int> _published = new();

        public int PublishedFor(Guid runId) => _published.GetValueOrDefault(runId);

        public void Publish(RunEvent runEvent)
        {
            _published.AddOrUpdate(runEvent.RunId, 1, static (_, n) => n + 1);
            _hub.Publish(runEvent);
        }

        public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler) => _hub.Subscribe(runId, handler);

        public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler, RunEventInterest interest) => _hub.Subscribe(runId, handler, interest);

        public IDisposable Watch(Guid runId, RunWatchScope scope) => _hub.Watch(runId, scope);

        public bool HearsNodes(Guid runId) => _hub.HearsNodes(runId);

        public bool HearsRun(Guid runId, RunStatus status) => _hub.HearsRun(runId, status);
    }
}
