using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

public sealed class LeaseHeartbeatTests
{
    [Fact]
    public async Task Heartbeat_NodeRunsLongerThanItsLease_IsNotStartedASecondTime()
    {
        // The lease is a quarter of the node's run time and the sweep looks for expired leases five times a second:
        // only the heartbeat keeps the node from being run again while it is still running here.
        await using var harness = await EngineHarness.StartAsync(configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.WorkerTimeout = TimeSpan.FromSeconds(2);
            o.SweepInterval = TimeSpan.FromMilliseconds(200);
            o.SoleWorker = false;
        });
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("long")
            .Node("trigger", "trigger.manual").Node("long", "test.script", new JsonObject { ["sleepMs"] = 4_000 }).Edge("trigger", "long").ToJson());

        var runId = await harness.StartRunAsync(flowId);
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, harness.Journal.Only(runId, "long").Attempt);
        Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "long").Attempt);
    }

    [Fact]
    public async Task Heartbeat_WorkerStoppedBeatingWhileHoldingANode_NodeIsTakenOverWithoutWaitingForItsLease()
    {
        var silentWorker = Guid.CreateVersion7();
        await using var harness = await EngineHarness.StartAsync(start: false, configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromMinutes(10);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.WorkerTimeout = TimeSpan.FromSeconds(1);
            o.SoleWorker = false;
        });
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("held").Node("trigger", "trigger.manual").Node("work", "test.script").Edge("trigger", "work").ToJson());
        var flow = await harness.Services.GetRequiredService<IFlowStore>().GetAsync(flowId, EngineHarness.Owner, null, CancellationToken.None);
        var plan = await harness.Services.GetRequiredService<IPlanProvider>().GetPlanAsync(flowId, flow!.Version, null, CancellationToken.None);
        var runId = await harness.StartRunAsync(flowId);

        // Another worker registered a minute ago, claimed the node after the trigger (which ended as the run was written)
        // with a ten-minute lease, and died.
        var workers = harness.Services.GetRequiredService<IWorkerStore>();
        var now = TimeProvider.System.GetUtcNow();
        await workers.HeartbeatAsync(silentWorker, now.AddMinutes(-1), now.AddMinutes(9), CancellationToken.None);
        var work = new WorkMessage(WorkKind.ExecuteNode, runId, "work", 1, flowId, flow.Version);
        Assert.NotNull(await harness.Services.GetRequiredService<IRunStore>().TryClaimAsync(
            work, plan["work"].Dependencies, silentWorker, now, now.AddMinutes(10), CancellationToken.None));

        await harness.Host.StartAsync();
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(15));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "work").Attempt);
    }
}
