using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Runs;

public sealed class RecoveryServiceTests
{
    [Fact]
    public async Task StartupScan_NodeRunningWhenProcessStopped_RunsAgainWithHigherAttempt()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-recovery-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("resume")
                    .Node("trigger", "trigger.manual")
                    .Node("done", "test.script")
                    .Node("slow", "test.script", new JsonObject { ["sleepMs"] = 60_000, ["sleepFirstAttemptOnly"] = true })
                    .Node("last", "test.script")
                    .Edge("trigger", "done").Edge("done", "slow").Edge("slow", "last").ToJson());
                runId = await first.StartRunAsync(flowId);
                await Eventually.MatchesAsync(
                    async () => (await first.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "slow").Status,
                    status => status == NodeStatus.Running,
                    "node slow to be running before the restart");
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "done").Attempt);
            Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "slow").Attempt);
            Assert.Empty(second.Journal.For(runId, "done"));
            Assert.Single(second.Journal.For(runId, "slow"));
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task StartupScan_WaitingNodeSurvivesRestart()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-timer-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("timer")
                    .Node("trigger", "trigger.manual").Node("pause", "core.wait", new JsonObject { ["ms"] = 1500 }).Node("after", "test.script")
                    .Edge("trigger", "pause").Edge("pause", "after").ToJson());
                runId = await first.StartRunAsync(flowId);
                await Eventually.MatchesAsync<DateTimeOffset?>(
                    async () => (await first.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "pause").WaitUntil,
                    until => until is not null,
                    "node pause to wait before the restart");
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Single(second.Journal.For(runId, "after"));
            Assert.Equal(1, run.Nodes.Single(n => n.NodeId == "pause").Attempt);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }
}
