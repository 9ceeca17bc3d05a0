using System.Text.Json.Nodes;
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
        // Not started: no worker consumes the queue, so this test is the only one delivering messages.
        await using var harness = await EngineHarness.StartAsync(start: false);
        var flowId = await harness.CreateFlowAsync(FlowJson.Create("one")
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
        var flowId = await harness.CreateFlowAsync(FlowJson.Create("wait")
            .Node("trigger", "trigger.manual").Node("pause", "core.wait", new JsonObject { ["ms"] = 800 }).Node("after", "test.script")
            .Edge("trigger", "pause").Edge("pause", "after").ToJson());
        var quick = await harness.CreateFlowAsync(FlowJson.Create("quick").Node("trigger", "trigger.manual").Node("x", "test.script").Edge("trigger", "x").ToJson());

        var waiting = await harness.StartRunAsync(flowId);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && (await harness.GetRunAsync(waiting))!.Nodes.Single(n => n.NodeId == "pause").WaitUntil is null)
        {
            await Task.Delay(20);
        }

        // With a single worker slot, a run started during the wait finishes first: the timer holds no worker.
        var other = await harness.WaitForRunAsync(await harness.StartRunAsync(quick));
        var during = await harness.GetRunAsync(waiting);
        Assert.Equal(RunStatus.Succeeded, other.Status);
        Assert.Equal(NodeStatus.Running, during!.Nodes.Single(n => n.NodeId == "pause").Status);

        var run = await harness.WaitForRunAsync(waiting);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var pause = run.Nodes.Single(n => n.NodeId == "pause");
        Assert.True(pause.FinishedAt - pause.StartedAt >= TimeSpan.FromMilliseconds(700), $"waited only {pause.FinishedAt - pause.StartedAt}");
    }

    [Fact]
    public async Task HandleAsync_TransientStorageFailure_MessageComesBackAndTheRunFinishes()
    {
        await using var harness = await EngineHarness.StartAsync(services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 3)));
        });
        var flowId = await harness.CreateFlowAsync(FlowJson.Diamond().ToJson());

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
        var flowId = await harness.CreateFlowAsync(FlowJson.Create("one").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(harness.Journal.For(runId, "work"));
        Assert.All(run.Nodes, n => Assert.Equal(1, n.Attempt));
    }

    [Fact]
    public async Task HandleAsync_TransientFailureAfterTheClaim_NodeIsGivenBackAndRunsAgainWithinSeconds()
    {
        // A two-minute lease: without the give-back the node would stay Running until the lease ended.
        FlakyRunStore? flaky = null;
        await using var harness = await EngineHarness.StartAsync(configure: o => o.LeaseDuration = TimeSpan.FromMinutes(2), services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp => flaky = new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 0, failingAfterClaim: 3)));
        });
        var flowId = await harness.CreateFlowAsync(FlowJson.Diamond().ToJson());

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
        var flowId = await harness.CreateFlowAsync(FlowJson.Create("one").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId), TimeSpan.FromSeconds(40));

        Assert.Equal(RunStatus.Succeeded, run.Status);
    }
}
