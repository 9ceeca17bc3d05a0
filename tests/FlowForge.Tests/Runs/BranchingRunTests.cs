using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>Branches, joins and several triggers through the real engine on SQLite.</summary>
public sealed class BranchingRunTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StartAsync_NamedEventTrigger_RunsWhatItReachesAndSkipsWhatOnlyOthersReach()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture("several-triggers").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, trigger: "webhook"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(
            [
                ("afterWebhook", NodeStatus.Succeeded), ("done", NodeStatus.Succeeded), ("manual", NodeStatus.Skipped), ("nightly", NodeStatus.Skipped),
                ("onlyNightly", NodeStatus.Skipped), ("onlyWebhook", NodeStatus.Succeeded), ("prepare", NodeStatus.Skipped), ("shared", NodeStatus.Succeeded),
                ("webhook", NodeStatus.Succeeded),
            ],
            StatusesOf(run));
    }

    [Fact]
    public async Task StartAsync_NamedTrigger_PublishesTheSkipsMadeAtTheStart()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture("several-triggers").ToJson());
        var runId = Guid.CreateVersion7();
        var skipped = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var subscription = harness.Services.GetRequiredService<IRunEvents>().Subscribe(runId, e =>
        {
            if (e is NodeStatusChanged { Status: NodeStatus.Skipped } change)
            {
                skipped.Enqueue(change.NodeId);
            }
        });

        await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, null, null) { TriggerNodeId = "nightly" }, CancellationToken.None);

        // Neither manual nor webhook starts this run, so shared and done, which only they reach, are skipped at once too.
        Assert.Equal(["afterWebhook", "done", "manual", "onlyWebhook", "prepare", "shared", "webhook"], skipped.Order(StringComparer.Ordinal));
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task StartAsync_SeveralManualTriggersNoneNamed_ThrowsNamingTheFieldAndTheTriggers()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder()
            .Node("first", "trigger.manual").Node("second", "trigger.manual").Node("a", "core.noop")
            .Chain("first", "a").Chain("second", "a").ToJson());

        var refused = await Assert.ThrowsAsync<TriggerChoiceException>(() => harness.StartRunAsync(flowId));

        Assert.Contains("'trigger'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("2 of them are manual triggers", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'first', 'second'", refused.Message, StringComparison.Ordinal);
        var second = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, trigger: "second"));
        Assert.Equal([("a", NodeStatus.Succeeded), ("first", NodeStatus.Skipped), ("second", NodeStatus.Succeeded)], StatusesOf(second));
    }

    [Theory]
    [InlineData("prepare", "not a trigger")]
    [InlineData("ghost", "not in the flow")]
    public async Task StartAsync_NamedNodeIsNoTrigger_ThrowsSayingWhy(string trigger, string reason)
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture("several-triggers").ToJson());

        var refused = await Assert.ThrowsAsync<TriggerChoiceException>(() => harness.StartRunAsync(flowId, trigger: trigger));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OnlyEventTriggersNoneNamed_Throws()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder()
            .Node("hook", "test.event").Node("timer", "test.event").Node("a", "core.noop")
            .Chain("hook", "a").Chain("timer", "a").ToJson());

        var refused = await Assert.ThrowsAsync<TriggerChoiceException>(() => harness.StartRunAsync(flowId));

        Assert.Contains("none of them is a manual trigger", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SingleEventTriggerNoneNamed_StartsAtIt()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder().Node("hook", "test.event").Node("a", "core.noop").Chain("hook", "a").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task Run_IfFalse_SkipsTheTrueBranchAndMergesTheOther()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture("if-merge").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["approved"] = false }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Skipped, run.Nodes.Single(n => n.NodeId == "approve").Status);
        Assert.Equal("""{"notify":{"decision":"rejected"}}""", run.Nodes.Single(n => n.NodeId == "merge").OutputJson);
    }

    [Fact]
    public async Task Run_MergeFirst_KeepsTheParentThatFinishedFirstNotTheFirstInTheFlow()
    {
        var time = new FakeTimeProvider(T0);
        await using var harness = await EngineHarness.StartAsync(
            configure: o => o.SweepInterval = TimeSpan.FromMinutes(5),
            services: s => s.AddSingleton<TimeProvider>(time));
        var flowId = await harness.CreateFlowAsync(new FlowBuilder()
            .Node("trigger", "trigger.manual")
            .Node("slow", "core.wait", new JsonObject { ["ms"] = 60_000 })
            .Node("fast", "core.set", new JsonObject { ["values"] = new JsonObject { ["from"] = "fast" } })
            .Node("merge", "core.merge", new JsonObject { ["mode"] = "first" })
            .Edge("trigger", "slow").Edge("trigger", "fast").Edge("slow", "merge").Edge("fast", "merge")
            .ToJson());
        var runId = await harness.StartRunAsync(flowId, new JsonObject { ["from"] = "slow" });
        await Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))?.Nodes is { } nodes
                && nodes.Single(n => n.NodeId == "slow").WaitUntil is not null
                && nodes.Single(n => n.NodeId == "fast").Status == NodeStatus.Succeeded,
            "slow to wait and fast to finish");

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""{"from":"fast"}""", run.Nodes.Single(n => n.NodeId == "merge").OutputJson);
    }

    [Fact]
    public async Task Run_MergeAppend_JoinsListsInTheFlowsEdgeOrder()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder()
            .Node("trigger", "trigger.manual")
            .Node("left", "core.set", new JsonObject { ["values"] = new JsonObject { ["side"] = "left" } })
            .Node("right", "core.set", new JsonObject { ["values"] = new JsonObject { ["side"] = "right" } })
            .Node("merge", "core.merge", new JsonObject { ["mode"] = "append" })
            .Edge("trigger", "right").Edge("trigger", "left").Edge("left", "merge").Edge("right", "merge")
            .ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal("""[{"side":"left"},{"side":"right"}]""", run.Nodes.Single(n => n.NodeId == "merge").OutputJson);
    }

    private static (string, NodeStatus)[] StatusesOf(RunView run) =>
        [.. run.Nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal).Select(n => (n.NodeId, n.Status))];
}
