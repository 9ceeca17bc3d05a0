using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

public sealed class NodeExecutorTests
{
    [Fact]
    public async Task HandleAsync_SameMessageDeliveredTwiceAtOnce_ExecutesOnce()
    {
        // Not started: no worker consumes the queue, so this test is the only one delivering messages, one node each
        // (no child is run after its parent without a message).
        await using var harness = await EngineHarness.StartAsync(start: false, configure: o => o.LocalChainSteps = 0);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("one")
            .Node("trigger", "trigger.manual").Node("work", "test.script", new JsonObject { ["sleepMs"] = 50 }).Edge("trigger", "work").ToJson());
        var flow = await harness.Services.GetRequiredService<IFlowStore>().GetAsync(flowId, EngineHarness.Owner, null, CancellationToken.None);
        var executor = harness.Services.GetRequiredService<NodeExecutor>();
        var runId = Guid.CreateVersion7();
        await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(new StartRun(runId, EngineHarness.Owner, flowId, null, null), CancellationToken.None);

        var start = new WorkMessage(WorkKind.StartFlow, runId, "trigger", 1, flowId, flow!.Version);
        await Task.WhenAll(executor.HandleAsync(start, CancellationToken.None), executor.HandleAsync(start, CancellationToken.None));
        var afterTrigger = await harness.GetRunAsync(runId);
        Assert.Equal(NodeStatus.Succeeded, afterTrigger!.Nodes.Single(n => n.NodeId == "trigger").Status);
        var work = afterTrigger.Nodes.Single(n => n.NodeId == "work");
        Assert.Equal(NodeStatus.Ready, work.Status);

        var pending = await harness.Services.GetRequiredService<IOutboxStore>().ReadPendingAsync(100, CancellationToken.None);
        var message = pending.Select(p => p.Message).Single(m => m.RunId == runId && m.NodeId == "work");
        await Task.WhenAll(
            executor.HandleAsync(message, CancellationToken.None),
            executor.HandleAsync(message, CancellationToken.None),
            executor.HandleAsync(message with { }, CancellationToken.None));

        Assert.Single(harness.Journal.For(runId, "work"));
        var run = await harness.GetRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "work").Attempt);
    }

    [Fact]
    public async Task HandleAsync_WaitNode_HoldsNoWorkerAndResumes()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.WorkerParallelism = 1);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("wait")
            .Node("trigger", "trigger.manual").Node("pause", "core.wait", new JsonObject { ["ms"] = 3_000 }).Node("after", "test.script")
            .Edge("trigger", "pause").Edge("pause", "after").ToJson());
        var quick = await harness.CreateFlowAsync(new FlowBuilder("quick").Node("trigger", "trigger.manual").Node("x", "test.script").Edge("trigger", "x").ToJson());

        var waiting = await harness.StartRunAsync(flowId);
        var until = await Eventually.MatchesAsync<DateTimeOffset?>(
            async () => (await harness.GetRunAsync(waiting))!.Nodes.Single(n => n.NodeId == "pause").WaitUntil,
            until => until is not null,
            "node pause to wait");

        // With a single worker slot, a run started during the wait finishes before the wait ends: the timer holds no worker.
        var other = await harness.WaitForRunAsync(await harness.StartRunAsync(quick));
        Assert.Equal(RunStatus.Succeeded, other.Status);
        Assert.True(other.FinishedAt < until, $"the other run finished at {other.FinishedAt:O}, after the wait ended at {until:O}");

        var run = await harness.WaitForRunAsync(waiting);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var pause = run.Nodes.Single(n => n.NodeId == "pause");
        Assert.True(pause.FinishedAt - pause.StartedAt >= TimeSpan.FromMilliseconds(2_900), $"waited only {pause.FinishedAt - pause.StartedAt}");
    }

    [Fact]
    public async Task HandleAsync_TransientStorageFailure_MessageComesBackAndTheRunFinishes()
    {
        await using var harness = await EngineHarness.StartAsync(services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 3)));
        });
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId), TimeSpan.FromSeconds(15));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(run.Nodes, n => Assert.Equal(1, n.Attempt));
    }

    [Fact]
    public async Task HandleAsync_TransientFailureRecordingTheResult_IsRetriedWithoutRunningTheNodeAgain()
    {
        await using var harness = await EngineHarness.StartAsync(services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 0, failingCompletions: 2)));
        });
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("one").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(harness.Journal.For(runId, "work"));
        Assert.All(run.Nodes, n => Assert.Equal(1, n.Attempt));
    }

    [Fact]
    public async Task HandleAsync_TransientFailureAfterTheClaim_NodeIsGivenBackAndRunsAgainWithinSeconds()
    {
        // A two-minute lease: without the give-back the node would stay Running until the lease ended. The first node is
        // claimed from the queue (not with the run), where the store fails after the claim.
        FlakyRunStore? flaky = null;
        await using var harness = await EngineHarness.StartAsync(configure: o => (o.LeaseDuration, o.ClaimAtStart) = (TimeSpan.FromMinutes(2), false), services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => flaky = new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 0, failingAfterClaim: 3)));
        });
        var flowId = await harness.CreateFlowAsync(FlowBuilder.Diamond().ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId), TimeSpan.FromSeconds(15));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, flaky!.FailedAfterClaim);
        // A claim given back never started its attempt: the numbers stay where a clean run leaves them.
        Assert.All(run.Nodes, n => Assert.Equal(1, n.Attempt));
    }

    [Fact]
    public async Task HandleAsync_RecordingTheResultKeepsFailing_NodeIsGivenBackAndTheRunFinishes()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.LeaseDuration = TimeSpan.FromMinutes(2), services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 0, failingCompletions: 5)));
        });
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("one").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId), TimeSpan.FromSeconds(40));

        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task HandleAsync_OutputOverMaxOutputBytes_FailsNodeOnceNamingSizeAndLimit()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.MaxOutputBytes = 1_000);
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("big output")
            .Node("trigger", "trigger.manual")
            .Node("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["s"] = string.Concat(Enumerable.Repeat("{{ input.s }}", 10)) } })
            .Edge("trigger", "set").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["s"] = new string('x', 50) }));
        Assert.Equal(RunStatus.Succeeded, run.Status);

        run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["s"] = new string('x', 500) }));

        Assert.Equal(RunStatus.Failed, run.Status);
        var set = run.Nodes.Single(n => n.NodeId == "set");
        Assert.Equal(NodeStatus.Failed, set.Status);
        Assert.Equal(1, set.Attempt);
        Assert.Null(set.OutputJson);
        Assert.Contains("5,008 bytes", set.Error, StringComparison.Ordinal);
        Assert.Contains("1,000 bytes (Engine:MaxOutputBytes)", set.Error, StringComparison.Ordinal);
        Assert.Contains("Node 'set' failed", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_TemplateRepeatedOverLargeInput_FailsNodeNamingFieldAndLimit()
    {
        await using var harness = await EngineHarness.StartAsync();
        var repeated = string.Concat(Enumerable.Repeat("{{ input.s }}", 1_000));
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("template bomb")
            .Node("trigger", "trigger.manual")
            .Node("render", "core.set", new JsonObject { ["values"] = new JsonObject { ["s"] = repeated } })
            .Edge("trigger", "render").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["s"] = new string('x', 100_000) }));

        Assert.Equal(RunStatus.Failed, run.Status);
        var render = run.Nodes.Single(n => n.NodeId == "render");
        Assert.Equal(NodeStatus.Failed, render.Status);
        Assert.Contains("config.values.s", render.Error, StringComparison.Ordinal);
        Assert.Contains("node 'render'", render.Error, StringComparison.Ordinal);
        Assert.Contains("4,194,304 bytes", render.Error, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxExpressionResultBytes", render.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_JoinOfManyParents_ReceivesEveryParentOutputKeyedById()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flow = new FlowBuilder("wide join").Node("trigger", "trigger.manual").Node("join", "core.noop");
        for (var i = 0; i < 20; i++)
        {
            flow.Node($"p{i}", "core.set", new JsonObject { ["values"] = new JsonObject { ["i"] = i, ["s"] = "{{ input.s }}" } })
                .Edge("trigger", $"p{i}").Edge($"p{i}", "join");
        }

        var flowId = await harness.CreateFlowAsync(flow.ToJson());
        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["s"] = "shared" }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "join").OutputJson!)!.AsObject();
        Assert.Equal(20, output.Count);
        Assert.All(Enumerable.Range(0, 20), i =>
        {
            Assert.Equal(i, output[$"p{i}"]!["i"]!.GetValue<int>());
            Assert.Equal("shared", output[$"p{i}"]!["s"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task HandleAsync_OutputDeeperThanTheJsonPolicy_FailsTheNodeSayingWhy()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("deep").Node("trigger", "trigger.manual").Node("wrap", "test.script").Edge("trigger", "wrap").ToJson());
        var depth = JsonPolicy.MaxDepth - 1;
        var input = JsonNode.Parse("{\"d\":" + new string('[', depth) + new string(']', depth) + "}", documentOptions: new() { MaxDepth = 256 })!.AsObject();

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, input));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(NodeStatus.Succeeded, run.Nodes.Single(n => n.NodeId == "trigger").Status);
        var wrap = run.Nodes.Single(n => n.NodeId == "wrap");
        Assert.Equal(NodeStatus.Failed, wrap.Status);
        Assert.Contains($"deeper than {JsonPolicy.MaxDepth}", wrap.Error, StringComparison.Ordinal);
        Assert.Null(wrap.OutputJson);
    }
}
