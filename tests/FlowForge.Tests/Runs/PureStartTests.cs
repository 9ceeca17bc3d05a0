using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FlowForge.Tests.Testing.PureFlows;

namespace FlowForge.Tests.Runs;

/// <summary>The pure nodes a run's trigger reaches run in memory before the run is written, and are written final with it.</summary>
public sealed class PureStartTests
{

    [Fact]
    public async Task StartAsync_DiamondOfPureNodes_OneWriteOperationNoMessageNoClaim()
    {
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());
        var runId = Guid.CreateVersion7();
        var seen = new ConcurrentQueue<RunEvent>();
        using var subscription = harness.Services.GetRequiredService<IRunEvents>().Subscribe(runId, seen.Enqueue);

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7 }, null), CancellationToken.None);
        var run = (await harness.GetRunAsync(runId))!;

        // Finished when the start returns: the run, its trigger and a, b, c and d in one write, nothing after it.
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        Assert.Equal(Diamond, store.CreationOf(runId)!);
        Assert.Empty(store.CompletionsOf(runId));
        Assert.Empty(store.ClaimsOf(runId));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Single(n.Attempts));
        Assert.All(Diamond, id => Assert.Single(PureStepNode.StartsOf(runId, id)));
        Assert.True(JsonNode.DeepEquals(ExpectedD(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)), run.Nodes.Single(n => n.NodeId == "d").OutputJson);

        // Watchers see every node start and end, then the run end, all told after the write.
        var told = seen.OfType<NodeStatusChanged>().ToList();
        Assert.All(Diamond, id => Assert.Equal(
            [NodeStatus.Running, NodeStatus.Succeeded], told.Where(e => e.NodeId == id).Select(e => e.Status)));
        Assert.Equal(RunStatus.Succeeded, seen.OfType<RunStatusChanged>().Last().Status);
        Assert.Equal(runId, start.RunId);
    }

    [Fact]
    public async Task StartAsync_LinearChainOfTenSets_OneWriteOperation()
    {
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flow = new FlowBuilder("linear ten").Node("trigger", "trigger.manual");
        var ids = Enumerable.Range(1, 10).Select(i => $"s{i}").ToArray();
        foreach (var id in ids)
        {
            flow.Node(id, "core.set", new JsonObject { ["values"] = new JsonObject { [id] = id } });
        }

        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(flow.Chain(["trigger", .. ids]).ToJson()));
        var run = (await harness.GetRunAsync(runId))!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        Assert.Equal(ids, store.CreationOf(runId)!);
        Assert.Empty(store.CompletionsOf(runId));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        Assert.Equal("s10", (string?)JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "s10").OutputJson!)!["s10"]);
    }

    [Fact]
    public async Task StartAsync_LinearChainOfSets_EachAttemptRecordsItsParentsOutputTextNotACopy()
    {
        // A node run after its parent in memory records as its input the text its parent's output was written as: the
        // parsed output written out again was a second copy of it per node (2 KB a node for the linear-10 bench).
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flow = new FlowBuilder("linear sets").Node("trigger", "trigger.manual");
        var ids = Enumerable.Range(1, 5).Select(i => $"s{i}").ToArray();
        foreach (var id in ids)
        {
            flow.Node(id, "core.set", new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ input.n }}", ["payload"] = "{{ input.payload }}" } });
        }

        var payload = new string('x', 1024);
        var runId = Guid.CreateVersion7();
        await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, await harness.CreateFlowAsync(flow.Chain(["trigger", .. ids]).ToJson()), new JsonObject { ["n"] = 1, ["payload"] = payload }, null),
            CancellationToken.None);

        var region = harness.Services.GetRequiredService<RecordingRunStore>().StartRegions.Single(r => r.RunId == runId).Completions;
        Assert.Equal(ids, region.Select(c => c.NodeId));
        for (var i = 1; i < region.Count; i++)
        {
            Assert.Equal($$"""{"n":1,"payload":"{{payload}}"}""", region[i].InputJson);
            Assert.Same(region[i - 1].OutputJson, region[i].InputJson);
        }
    }

    [Fact]
    public async Task StartAsync_FanOutOfFiftyAndJoin_WrittenOnceWithTheDefaultNodeBound()
    {
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flow = new FlowBuilder("fan-out fifty").Node("trigger", "trigger.manual");
        var ids = Enumerable.Range(1, 50).Select(i => $"n{i}").ToArray();
        foreach (var id in ids)
        {
            flow.Node(id, "core.noop").Edge("trigger", id).Edge(id, "join");
        }

        flow.Node("join", "core.set", new JsonObject { ["values"] = new JsonObject { ["joined"] = true } });
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(flow.ToJson()));
        var run = (await harness.GetRunAsync(runId))!;

        // All 51 pure nodes run before the run's write (Engine:PureStartNodes 64): one write, nothing queued.
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        Assert.Equal(51, store.CreationOf(runId)!.Length);
        Assert.Empty(store.CompletionsOf(runId));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.All(run.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
        Assert.True((bool)JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "join").OutputJson!)!["joined"]!);
    }

    [Fact]
    public async Task StartAsync_PureStartOff_TheRegionIsWrittenByTheWorkerAsBefore()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.PureStartNodes = 0, services: Recording);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow().ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        Assert.Equal([Diamond], await store.CompletionsOfAsync(runId, 1));
        Assert.Empty(store.CreationOf(runId)!);
    }

    [Fact]
    public async Task StartAsync_BranchesAndSkipsInTheStartRegion_EndWithTheStatusesOfARunWithoutChaining()
    {
        var json = BranchFlow().ToJson();
        RunView atStart;
        string[] created;
        IReadOnlyList<string[]> written;
        await using (var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording))
        {
            var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(json), new JsonObject { ["go"] = true });
            atStart = await harness.WaitForRunAsync(runId);
            var store = harness.Services.GetRequiredService<RecordingRunStore>();
            created = store.CreationOf(runId)!;
            written = await store.CompletionsOfAsync(runId, 1);
            Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        }

        var plain = await PlainBranchRunAsync(json);

        // check fires "true": the start region goes on through yes; the store skips the other branch down to the join,
        // makes the join Ready with both's completion and claims it for this process, which runs and writes it.
        Assert.Equal(["a", "check", "yes", "fork", "left", "right", "both"], created);
        Assert.Equal([["join"]], written);
        AssertEndedAsPlain(plain, atStart);
    }

    [Fact]
    public async Task StartAsync_PureNodeFailsInTheStartRegion_WhatRanBeforeIsWrittenWithTheRunAndItFailsOnItsOwnClaim()
    {
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow(failAt: "c").ToJson()));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        // c was made Ready by a's completion, not b's: the run's write claims it by name, and it runs again from that claim.
        Assert.Equal(["a", "b"], store.CreationOf(runId)!);
        Assert.Equal([["c"]], await store.CompletionsOfAsync(runId, 1));
        Assert.Empty(store.ClaimsOf(runId));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        AssertFailedAtC(run);
    }

    [Fact]
    public async Task StartAsync_ImpureChildAfterTheStartRegion_IsClaimedWithTheRunAndRunsWithoutAMessage()
    {
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("pure then impure")
            .Node("trigger", "trigger.manual").Node("a", "core.set", new JsonObject { ["values"] = new JsonObject { ["step"] = "a" } })
            .Node("h", "test.script").Chain("trigger", "a", "h").ToJson());

        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 42 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        // Two writes: the run with a done and h claimed, then h's completion.
        Assert.Equal(["a"], store.CreationOf(runId)!);
        Assert.Equal([["h"]], await store.CompletionsOfAsync(runId, 1));
        Assert.Empty(store.ClaimsOf(runId));
        Assert.Empty(harness.Services.GetRequiredService<CountingWorkQueue>().For(runId));
        Assert.Single(harness.Journal.For(runId, "h"));
        var h = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "h").OutputJson!)!;
        Assert.Equal("a", (string?)h["input"]!["step"]);
    }

    [Fact]
    public async Task StartAsync_ProcessExecutesNoWork_NothingRunsBeforeTheWrite()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.ExecuteWork = false, services: Recording);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow().ToJson()));
        await FlowForge.Testing.Eventually.TrueAsync(
            () => harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Count > 0, "a message published");

        Assert.Empty(harness.Services.GetRequiredService<RecordingRunStore>().CreationOf(runId)!);
        Assert.Equal(["a"], harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Select(m => m.NodeId));
        Assert.Empty(PureStepNode.StartsOf(runId, "a"));
    }

    [Fact]
    public async Task StartAsync_PureStartTimeSpent_NoFurtherNodeStartsBeforeTheWrite()
    {
        // a takes 20 ms against a bound of 1 ms: a runs (the bound is looked at before each node), nothing after it.
        await using var harness = await EngineHarness.StartAsync(configure: o => o.PureStartTime = TimeSpan.FromMilliseconds(1), services: Recording);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow(slowAt: "a").ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["a"], harness.Services.GetRequiredService<RecordingRunStore>().CreationOf(runId)!);
        Assert.All(Diamond, id => Assert.Single(PureStepNode.StartsOf(runId, id)));
        Assert.True(JsonNode.DeepEquals(ExpectedD(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)), run.Nodes.Single(n => n.NodeId == "d").OutputJson);
    }

    [Fact]
    public async Task StartAsync_MoreThanPureStartNodes_TheRestGoesOnAfterTheWrite()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => (o.PureStartNodes, o.PureStartTime) = (2, Generous), services: Recording);
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(DiamondFlow().ToJson()), new JsonObject { ["seed"] = 7 });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = harness.Services.GetRequiredService<RecordingRunStore>();
        // a and b with the run; c, made Ready by a's completion, goes through the queue, and its completion claims d.
        Assert.Equal(["a", "b"], store.CreationOf(runId)!);
        Assert.Equal([["c"], ["d"]], await store.CompletionsOfAsync(runId, 2));
        Assert.Equal(["c"], harness.Services.GetRequiredService<CountingWorkQueue>().For(runId).Select(m => m.NodeId));
        Assert.All(run.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempt)));
        Assert.All(Diamond, id => Assert.Single(PureStepNode.StartsOf(runId, id)));
        Assert.True(JsonNode.DeepEquals(ExpectedD(), JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "d").OutputJson!)), run.Nodes.Single(n => n.NodeId == "d").OutputJson);
    }

    /// <summary>Far above what a start region takes even on a loaded machine: these tests look at the node bound and the outcomes.</summary>
    [Fact]
    public async Task StartAsync_LinearChainOfTenSets_SetsNoTimerForNodesThatDoNotWait()
    {
        // A node's timeout used a source with a timer, linked with the run's source into a third, for every node; a pure node
        // that returns without waiting has nothing a timer could stop.
        var timeout = TimeSpan.FromSeconds(4321);
        var timers = new CountingTimeProvider(timeout);
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: s =>
        {
            Recording(s);
            s.AddSingleton<TimeProvider>(timers);
            s.Configure<ExecutionOptions>(o => o.DefaultTimeout = timeout);
        });
        var flow = new FlowBuilder("linear ten").Node("trigger", "trigger.manual");
        var ids = Enumerable.Range(1, 10).Select(i => $"s{i}").ToArray();
        foreach (var id in ids)
        {
            flow.Node(id, "core.set", new JsonObject { ["values"] = new JsonObject { [id] = id } });
        }

        var flowId = await harness.CreateFlowAsync(flow.Chain(["trigger", .. ids]).ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = (await harness.GetRunAsync(runId))!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(ids, harness.Services.GetRequiredService<RecordingRunStore>().CreationOf(runId)!);
        Assert.Equal(0, timers.NodeTimers);
    }

    [Fact]
    public async Task StartAsync_PureNodeThatWaitsPastItsTimeout_TimesOutThereAndRunsAgain()
    {
        // b's first execution waits a minute; its timer, set when it waits, ends that attempt after 200 ms, the start writes
        // what ran before it, and b runs again from its claim.
        await using var harness = await EngineHarness.StartAsync(configure: Untimed, services: Recording);
        var flowId = await harness.CreateFlowAsync(DiamondFlow(holdAt: "b").Data("b", "timeoutMs", 200).ToJson());

        var runId = await harness.StartRunAsync(flowId).WaitAsync(TimeSpan.FromSeconds(30));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, PureStepNode.StartsOf(runId, "b").Count);
        Assert.All(run.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
    }

    /// <summary>The system's time, counting the timers made for a node's timeout (those due after the timeout given).</summary>
    private sealed class CountingTimeProvider(TimeSpan nodeTimeout) : TimeProvider
    {
        private int _nodeTimers;

        public int NodeTimers => Volatile.Read(ref _nodeTimers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > nodeTimeout - TimeSpan.FromMinutes(1) && dueTime <= nodeTimeout)
            {
                Interlocked.Increment(ref _nodeTimers);
            }

            return System.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static void Untimed(EngineOptions options) => options.PureStartTime = Generous;

    private static void Recording(IServiceCollection services)
    {
        CountingWorkQueue.Register(services);
        RecordingRunStore.Register(services);
    }
}
