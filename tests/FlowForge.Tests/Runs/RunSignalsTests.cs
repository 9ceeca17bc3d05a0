using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Runs;

/// <summary>Signal waits (core.wait with until "signal") and waits that stay ended when the execution after them is lost.</summary>
public sealed class RunSignalsTests
{
    private static string ApprovalFlow() => new FlowBuilder("approval")
        .Node("trigger", "trigger.manual").Node("approval", "core.wait", new JsonObject { ["until"] = "signal" }).Node("after", "test.script")
        .Edge("trigger", "approval").Edge("approval", "after").ToJson();

    [Fact]
    public async Task SignalAsync_NodeWaitingForSignal_SucceedsWithTheBodyAndTheRunGoesOn()
    {
        await using var harness = await EngineHarness.StartAsync();
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(ApprovalFlow()));
        await Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal, "approval waits for a signal");
        var signals = harness.Services.GetRequiredService<RunSignals>();

        var result = await signals.SignalAsync(runId, EngineHarness.Owner, "approval", """{"approved":true}""", CancellationToken.None);

        Assert.Equal(SignalOutcome.Applied, result.Outcome);
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var approval = run.Nodes.Single(n => n.NodeId == "approval");
        Assert.Equal("""{"approved":true}""", approval.OutputJson);
        Assert.False(approval.WaitingForSignal);
        Assert.Equal(NodeStatus.Succeeded, Assert.Single(approval.Attempts).Status);
        Assert.True((bool)JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "after").OutputJson!)!["input"]!["approved"]!);
        var again = await signals.SignalAsync(runId, EngineHarness.Owner, "approval", "{}", CancellationToken.None);
        Assert.Equal(SignalOutcome.NotWaiting, again.Outcome);
        Assert.Equal(NodeStatus.Succeeded, again.NodeStatus);
    }

    [Fact]
    public async Task SignalWait_RecordingTheWaitFailsAndTheClaimIsGivenBack_StaysASignalWaitAndTakesTheSignal()
    {
        await using var harness = await EngineHarness.StartAsync(services: s =>
        {
            var real = s.Last(d => d.ServiceType == typeof(IRunStore));
            s.Add(ServiceDescriptor.Singleton<IRunStore>(sp =>
                new FlakyRunStore((IRunStore)real.ImplementationFactory!(sp), failingClaims: 0, failingCompletions: 5, completionsOf: "approval")));
        });
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(ApprovalFlow()));

        await Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal,
            "approval to wait for a signal after its claim was given back",
            TimeSpan.FromSeconds(40));

        var approval = (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval");
        Assert.Equal(NodeStatus.Running, approval.Status);
        Assert.DoesNotContain(
            await harness.Services.GetRequiredService<IRecoveryStore>().ListTimersAsync(DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None),
            t => t.Message.RunId == runId);
        var result = await harness.Services.GetRequiredService<RunSignals>().SignalAsync(runId, EngineHarness.Owner, "approval", """{"approved":true}""", CancellationToken.None);
        Assert.Equal(SignalOutcome.Applied, result.Outcome);
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runId)).Status);
    }

    [Fact]
    public async Task SignalAsync_WrongOwnerUnknownNodeOrNodeNotWaiting_ChangesNothing()
    {
        await using var harness = await EngineHarness.StartAsync();
        var runId = await harness.StartRunAsync(await harness.CreateFlowAsync(ApprovalFlow()));
        await Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal, "approval waits for a signal");
        var signals = harness.Services.GetRequiredService<RunSignals>();

        Assert.Equal(SignalOutcome.NotFound, (await signals.SignalAsync(runId, Guid.NewGuid(), "approval", "{}", CancellationToken.None)).Outcome);
        Assert.Equal(SignalOutcome.NotFound, (await signals.SignalAsync(runId, EngineHarness.Owner, "nope", "{}", CancellationToken.None)).Outcome);
        Assert.Equal(SignalOutcome.NotFound, (await signals.SignalAsync(Guid.NewGuid(), EngineHarness.Owner, "approval", "{}", CancellationToken.None)).Outcome);
        var notReached = await signals.SignalAsync(runId, EngineHarness.Owner, "after", "{}", CancellationToken.None);
        Assert.Equal(SignalOutcome.NotWaiting, notReached.Outcome);
        Assert.Equal(NodeStatus.Pending, notReached.NodeStatus);

        var run = await harness.GetRunAsync(runId);
        Assert.Equal(RunStatus.Running, run!.Status);
        Assert.True(run.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal);
    }

    [Fact]
    public async Task SignalWait_AcrossARestart_StillWaitingAndSignallable()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-test-").FullName;
        try
        {
            Guid runId;
            await using (var before = await EngineHarness.StartAsync(directory))
            {
                runId = await before.StartRunAsync(await before.CreateFlowAsync(ApprovalFlow()));
                await Eventually.TrueAsync(
                    async () => (await before.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal, "approval waits for a signal");
            }

            await using var after = await EngineHarness.StartAsync(directory);
            Assert.True((await after.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "approval").WaitingForSignal);
            var result = await after.Services.GetRequiredService<RunSignals>().SignalAsync(runId, null, "approval", "[1]", CancellationToken.None);

            Assert.Equal(SignalOutcome.Applied, result.Outcome);
            Assert.Equal(RunStatus.Succeeded, (await after.WaitForRunAsync(runId)).Status);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task Restart_ExecutionAfterAnEndedWaitLost_ResumesWithoutWaitingAgain()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-test-").FullName;
        try
        {
            Guid runId;
            // The test delivers each node's message itself: one node per message.
            await using (var before = await EngineHarness.StartAsync(directory, start: false, configure: o => o.LocalChainSteps = 0))
            {
                var flowId = await before.CreateFlowAsync(new FlowBuilder("long wait")
                    .Node("trigger", "trigger.manual").Node("pause", "core.wait", new JsonObject { ["ms"] = 3_600_000 }).Node("after", "test.script")
                    .Edge("trigger", "pause").Edge("pause", "after").ToJson());
                var version = (await before.Services.GetRequiredService<IFlowStore>().GetAsync(flowId, EngineHarness.Owner, null, CancellationToken.None))!.Version;
                runId = Guid.CreateVersion7();
                await before.Services.GetRequiredService<RunCoordinator>().StartAsync(new StartRun(runId, EngineHarness.Owner, flowId, null, null), CancellationToken.None);
                var executor = before.Services.GetRequiredService<NodeExecutor>();
                await executor.HandleAsync(new WorkMessage(WorkKind.StartFlow, runId, "trigger", 1, flowId, version), CancellationToken.None);
                var outbox = await before.Services.GetRequiredService<IOutboxStore>().ReadPendingAsync(100, CancellationToken.None);
                await executor.HandleAsync(outbox.Single(m => m.Message.RunId == runId && m.Message.NodeId == "pause").Message, CancellationToken.None);

                // The hour passes and a worker claims the node to end the wait, then dies before recording anything.
                var (timer, dueAt) = Assert.Single(await before.Services.GetRequiredService<IRecoveryStore>().ListTimersAsync(DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None));
                var plan = await before.Services.GetRequiredService<IPlanProvider>().GetPlanAsync(flowId, version, null, CancellationToken.None);
                var claimedAt = dueAt.AddSeconds(1);
                var claim = await before.Services.GetRequiredService<IRunStore>().TryClaimAsync(timer, plan["pause"].Dependencies, Guid.NewGuid(), claimedAt, claimedAt.AddMinutes(2), CancellationToken.None);
                Assert.Equal(dueAt, claim!.ResumedFromWaitUntil);
            }

            await using var after = await EngineHarness.StartAsync(directory);
            var run = await after.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "pause").Attempt);
            Assert.Equal(NodeStatus.Succeeded, run.Nodes.Single(n => n.NodeId == "after").Status);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }
}
