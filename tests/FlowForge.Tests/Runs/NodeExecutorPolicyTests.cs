using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>Retries with backoff, attempt timeouts and error ports, run through the real engine on SQLite.</summary>
public sealed class NodeExecutorPolicyTests
{
    private static FlowBuilder OneWorkNode(JsonObject config) =>
        new FlowBuilder("policies").Node("trigger", "trigger.manual").Node("work", "test.script", config).Node("after", "test.script").Edge("trigger", "work").Edge("work", "after");

    private static JsonObject Retry(int maxAttempts, int delayMs, double multiplier = 2, double jitter = 0) =>
        new() { ["maxAttempts"] = maxAttempts, ["delayMs"] = delayMs, ["multiplier"] = multiplier, ["jitter"] = jitter };

    [Fact]
    public async Task HandleAsync_RetryableFailures_RetriedUntilSuccessAndEveryAttemptKept()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failTimes"] = 2, ["retryable"] = true })
            .Data("work", "retry", Retry(3, 20)).ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId, new JsonObject { ["order"] = 7 }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var work = run.Nodes.Single(n => n.NodeId == "work");
        Assert.Equal(3, work.Attempt);
        Assert.Equal([1, 2, 3], work.Attempts.Select(a => a.Attempt));
        Assert.Equal([NodeStatus.Failed, NodeStatus.Failed, NodeStatus.Succeeded], work.Attempts.Select(a => a.Status));
        Assert.Equal("scripted failure on attempt 1", work.Attempts[0].Error);
        Assert.NotNull(work.Attempts[0].RetryAt);
        Assert.Null(work.Attempts[2].RetryAt);
        Assert.All(work.Attempts, a => Assert.True(a.StartedAt <= a.FinishedAt));
        Assert.All(work.Attempts, a => Assert.Equal(7, JsonNode.Parse(a.InputJson!)!["order"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3], harness.Journal.For(run.Id, "work").Select(e => e.Attempt));
    }

    [Fact]
    public async Task HandleAsync_NonRetryableFailure_NotRetriedAndRunFails()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failTimes"] = 1, ["retryable"] = false })
            .Data("work", "retry", Retry(5, 10)).ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        var work = run.Nodes.Single(n => n.NodeId == "work");
        Assert.Equal(NodeStatus.Failed, Assert.Single(work.Attempts).Status);
        Assert.Single(harness.Journal.For(run.Id, "work"));
    }

    [Fact]
    public async Task HandleAsync_RetriesExhausted_RunFailsWithTheLastError()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failAlways"] = true, ["retryable"] = true })
            .Data("work", "retry", Retry(2, 10)).ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("scripted failure on attempt 2", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Nodes.Single(n => n.NodeId == "work").Attempts.Count);
        Assert.Equal(NodeStatus.Cancelled, run.Nodes.Single(n => n.NodeId == "after").Status);
    }

    [Fact]
    public async Task HandleAsync_Backoff_NextAttemptExactlyAfterTheExponentialDelayOnTheFakeClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var harness = await EngineHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failTimes"] = 2, ["retryable"] = true })
            .Data("work", "retry", Retry(3, 1_000, multiplier: 3)).ToJson());
        var runId = await harness.StartRunAsync(flowId);

        var first = await AttemptsAsync(harness, runId, 1);
        Assert.Equal(TimeSpan.FromSeconds(1), first[0].RetryAt - first[0].FinishedAt);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(harness.Journal.For(runId, "work"));

        clock.Advance(TimeSpan.FromMilliseconds(20));
        var second = await AttemptsAsync(harness, runId, 2);
        Assert.Equal(TimeSpan.FromSeconds(3), second[1].RetryAt - second[1].FinishedAt);

        clock.Advance(TimeSpan.FromMilliseconds(3_020));
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal([1, 2, 3], harness.Journal.For(runId, "work").Select(e => e.Attempt));
    }

    [Fact]
    public async Task HandleAsync_RetryAfterLongerThanBackoff_NextAttemptNotBeforeRetryAfterOnTheFakeClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var harness = await EngineHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("throttled").Node("trigger", "trigger.manual")
            .Node("work", "test.throttled", new JsonObject { ["failTimes"] = 1, ["retryAfterMs"] = 30_000 })
            .Edge("trigger", "work").Data("work", "retry", Retry(2, 1_000)).ToJson());
        var runId = await harness.StartRunAsync(flowId);

        var first = await AttemptsAsync(harness, runId, 1);
        Assert.Equal(TimeSpan.FromSeconds(30), first[0].RetryAt - first[0].FinishedAt);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(harness.Journal.For(runId, "work"));

        clock.Advance(TimeSpan.FromMilliseconds(1_020));
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal([1, 2], harness.Journal.For(runId, "work").Select(e => e.Attempt));
    }

    [Fact]
    public async Task HandleAsync_RetryAfterShorterThanBackoff_PolicyDelayKept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var harness = await EngineHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("throttled").Node("trigger", "trigger.manual")
            .Node("work", "test.throttled", new JsonObject { ["failTimes"] = 1, ["retryAfterMs"] = 100 })
            .Edge("trigger", "work").Data("work", "retry", Retry(2, 5_000)).ToJson());
        var runId = await harness.StartRunAsync(flowId);

        var first = await AttemptsAsync(harness, runId, 1);

        Assert.Equal(TimeSpan.FromSeconds(5), first[0].RetryAt - first[0].FinishedAt);
    }

    [Fact]
    public async Task HandleAsync_Jitter_RetryAtWithinTheJitterBounds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var harness = await EngineHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failAlways"] = true, ["retryable"] = true })
            .Data("work", "retry", Retry(2, 10_000, jitter: 0.5)).ToJson());

        var runIds = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            runIds.Add(await harness.StartRunAsync(flowId));
        }

        foreach (var runId in runIds)
        {
            var attempt = (await AttemptsAsync(harness, runId, 1))[0];
            Assert.InRange(attempt.RetryAt!.Value - attempt.FinishedAt, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task HandleAsync_RetryPendingAcrossARestart_NextAttemptRunsInTheNewProcess()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-test-").FullName;
        try
        {
            Guid runId;
            var flow = OneWorkNode(new JsonObject { ["failTimes"] = 1, ["retryable"] = true }).Data("work", "retry", Retry(2, 3_000)).ToJson();
            await using (var before = await EngineHarness.StartAsync(directory))
            {
                runId = await before.StartRunAsync(await before.CreateFlowAsync(flow));
                await AttemptsAsync(before, runId, 1);
            }

            await using var after = await EngineHarness.StartAsync(directory);
            var run = await after.WaitForRunAsync(runId);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal([1, 2], run.Nodes.Single(n => n.NodeId == "work").Attempts.Select(a => a.Attempt));
            Assert.Equal(2, after.Journal.Only(runId, "work").Attempt);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task HandleAsync_AttemptOutlivesTimeoutMs_FailsAsTimedOutAndIsRetried()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["sleepMs"] = 60_000, ["sleepFirstAttemptOnly"] = true })
            .Data("work", "timeoutMs", 200).Data("work", "retry", Retry(2, 10)).ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var attempts = run.Nodes.Single(n => n.NodeId == "work").Attempts;
        Assert.Equal([NodeStatus.Failed, NodeStatus.Succeeded], attempts.Select(a => a.Status));
        Assert.Equal("The attempt timed out after 200 ms.", attempts[0].Error);
        Assert.Equal("cancelled", harness.Journal.For(run.Id, "work")[0].Outcome);
    }

    [Fact]
    public async Task HandleAsync_NodeIgnoringItsToken_TypeDefaultTimeoutEndsTheAttempt()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(new FlowBuilder("stuck").Node("trigger", "trigger.manual").Node("work", "test.stuck").Edge("trigger", "work").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("The attempt timed out after 150 ms.", run.Nodes.Single(n => n.NodeId == "work").Error);
    }

    [Fact]
    public async Task HandleAsync_OnErrorContinue_ErrorPortFiresAndMainBranchIsSkipped()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(OneWorkNode(new JsonObject { ["failAlways"] = true })
            .Node("handler", "test.script").Edge("work", "handler", "error").Data("work", "onError", "continue").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Failed, run.Nodes.Single(n => n.NodeId == "work").Status);
        Assert.Equal(NodeStatus.Skipped, run.Nodes.Single(n => n.NodeId == "after").Status);
        var handler = run.Nodes.Single(n => n.NodeId == "handler");
        Assert.Equal(NodeStatus.Succeeded, handler.Status);
        var error = JsonNode.Parse(handler.OutputJson!)!["input"]!;
        Assert.Equal("scripted failure on attempt 1", (string?)error["message"]);
        Assert.Equal("work", (string?)error["node"]);
        Assert.Equal(1, (int?)error["attempt"]);
    }

    private static Task<IReadOnlyList<NodeAttemptView>> AttemptsAsync(EngineHarness harness, Guid runId, int count) =>
        Eventually.MatchesAsync(
            async () => (await harness.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == "work").Attempts ?? [],
            attempts => attempts.Count >= count,
            $"attempt {count} of node work recorded");
}
