using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Storage.Sql;
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
    public async Task StartupScan_RunCommittedWithoutOutboxRowAndProcessStopped_RunsOnceAfterRestart()
    {
        // The embedded default keeps no outbox rows (the queue is in process): a stop right after the run's commit,
        // before any worker took its message, must still leave everything the next start needs in the state.
        var directory = Directory.CreateTempSubdirectory("flowforge-no-outbox-").FullName;
        try
        {
            var storage = new SqlStorageOptions { DataDirectory = directory, WritesOutbox = false };
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, start: false, storage: storage))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("no outbox")
                    .Node("trigger", "trigger.manual").Node("a", "test.script").Node("b", "test.script")
                    .Edge("trigger", "a").Edge("a", "b").ToJson());
                runId = await first.StartRunAsync(flowId);
                Assert.Equal(0, CountOutboxRows(directory));
                Assert.Equal(NodeStatus.Ready, (await first.GetRunAsync(runId))!.Nodes.Single(n => n.NodeId == "a").Status);
            }

            await using var second = await EngineHarness.StartAsync(directory, storage: storage);
            var run = await second.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Single(second.Journal.For(runId, "a"));
            Assert.Single(second.Journal.For(runId, "b"));
            Assert.Equal(0, CountOutboxRows(directory));
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

    [Fact]
    public async Task StartupScan_NodeInterruptedByRestartsTooOften_FailsWithAReadableReason()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-crashes-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory, configure: o => o.MaxInterruptions = 2))
            {
                var flowId = await first.CreateFlowAsync(new FlowBuilder("crashes")
                    .Node("trigger", "trigger.manual")
                    .Node("slow", "test.script", new JsonObject { ["sleepMs"] = 60_000 })
                    .Edge("trigger", "slow").ToJson());
                runId = await first.StartRunAsync(flowId);
                await WaitUntilRunningAsync(first, runId, "slow", attempt: 1);
            }

            // The process stops while the node runs, twice: the second restart does not start it a third time.
            await using (var second = await EngineHarness.StartAsync(directory, configure: o => o.MaxInterruptions = 2))
            {
                await WaitUntilRunningAsync(second, runId, "slow", attempt: 2);
            }

            await using var third = await EngineHarness.StartAsync(directory, configure: o => o.MaxInterruptions = 2);
            var run = await third.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Failed, run.Status);
            var slow = run.Nodes.Single(n => n.NodeId == "slow");
            Assert.Equal(NodeStatus.Failed, slow.Status);
            Assert.Contains("started 2 times without finishing", slow.Error, StringComparison.Ordinal);
            Assert.Empty(third.Journal.For(runId, "slow"));
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    private static Task WaitUntilRunningAsync(EngineHarness harness, Guid runId, string nodeId, int attempt) =>
        FlowForge.Testing.Eventually.TrueAsync(
            async () => (await harness.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == nodeId) is { Status: NodeStatus.Running } node && node.Attempt == attempt,
            $"node {nodeId} running its attempt {attempt}");

    private static long CountOutboxRows(string directory)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "flowforge.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Outbox";
        return (long)command.ExecuteScalar()!;
    }
}
