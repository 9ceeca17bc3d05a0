using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Attempts: retries parked on a durable timer, the kept attempt records, error ports, signal waits, waits that stay ended.</summary>
public abstract class AttemptCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task CompleteNodeAsync_FailedWithRetryAt_ParksNodeUntilThenClaimsNextAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var first = await ClaimAsync(MessageTo(toA, "a"), plan);
        var retryAt = T0.AddSeconds(30);

        var completion = Complete(first, NodeStatus.Failed, error: "boom", at: T0.AddSeconds(1)) with { RetryAt = retryAt };

        var result = await ((IRunStore)Store).CompleteNodeAsync(completion, plan, CancellationToken.None);

        Assert.True(result.Applied);
        Assert.Empty(result.Messages);
        Assert.Null(result.RunFinished);
        var parked = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Running, parked.Status);
        var a = NodeOf(parked, "a");
        Assert.Equal(NodeStatus.Running, a.Status);
        Assert.Equal(retryAt, a.WaitUntil);
        Assert.Equal("boom", a.Error);
        var attempt = Assert.Single(a.Attempts);
        Assert.Equal(new NodeAttemptView(1, NodeStatus.Failed, T0, T0.AddSeconds(1), "boom", """{"in":1}""", retryAt), attempt);
        var (timer, dueAt) = Assert.Single(await Store.ListTimersAsync(T0.AddMinutes(1), CancellationToken.None));
        Assert.Equal(retryAt, dueAt);
        Assert.Equal(first.Version + 1, timer.Version);

        var early = await TryClaimAsync(timer, plan, retryAt.AddTicks(-10));
        var second = await TryClaimAsync(timer, plan, retryAt);

        Assert.Null(early);
        Assert.NotNull(second);
        Assert.Equal(2, second.Attempt);
        Assert.Null(second.ResumedFromWaitUntil);
        Assert.True((await ((IRunStore)Store).CompleteNodeAsync(Complete(second, NodeStatus.Succeeded, output: "{}", at: retryAt.AddSeconds(1)), plan, CancellationToken.None)).Applied);
        var attempts = NodeOf(await GetRunAsync(creation.RunId), "a").Attempts;
        Assert.Equal([NodeStatus.Failed, NodeStatus.Succeeded], attempts.Select(x => x.Status));
        Assert.Equal([1, 2], attempts.Select(x => x.Attempt));
    }

    [Fact]
    public async Task CompleteNodeAsync_RetryAtAfterTheRunEnded_RecordsTheFailureWithoutParking()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        await ((IRunStore)Store).CancelRunAsync(creation.RunId, null, T0, CancellationToken.None);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            Complete(claim, NodeStatus.Failed, error: "boom") with { RetryAt = T0.AddSeconds(5) }, plan, CancellationToken.None);

        Assert.True(result.Applied);
        var a = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Equal(NodeStatus.Failed, a.Status);
        Assert.Null(a.WaitUntil);
        Assert.Empty(await Store.ListTimersAsync(T0.AddDays(1), CancellationToken.None));
    }

    [Fact]
    public async Task CompleteNodeAsync_AttemptWithLogs_KeepsThemWithTheAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        var logs = "first line\n[warn] second — ünïcode ✓\n" + new string('x', 70_000);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            Complete(claim, NodeStatus.Succeeded, output: "{}") with { Logs = logs }, plan, CancellationToken.None);

        Assert.True(result.Applied);
        var attempts = NodeOf(await GetRunAsync(creation.RunId), "a").Attempts;
        Assert.Equal(logs, Assert.Single(attempts).Logs);
    }

    [Fact]
    public async Task CompleteNodeAsync_FailedThroughErrorPort_ReadiesHandlerWithTheErrorAndSkipsMain()
    {
        var plan = TestPlans.ErrorBranch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toWork = await RunNodeAsync(plan, creation.Messages[0]);
        var work = await ClaimAsync(MessageTo(toWork, "work"), plan);
        const string error = """{"message":"boom","node":"work","attempt":1}""";

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            Complete(work, NodeStatus.Failed, output: error, error: "boom", ports: [NodePorts.Error]) with { ThroughErrorPort = true }, plan, CancellationToken.None);

        Assert.True(result.Applied);
        Assert.Null(result.RunFinished);
        Assert.Contains(new NodeStateChange("after", NodeStatus.Skipped), result.Changes);
        var handler = await ClaimAsync(MessageTo(result, "handler"), plan);
        Assert.Equal(error, handler.DependencyOutputs["work"]!.Value.GetRawText());
        var last = await SucceedAsync(plan, handler);
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Failed, NodeOf(run, "work").Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "after").Status);
    }

    [Fact]
    public async Task SignalNodeAsync_NodeWaitingForSignal_SucceedsWithBodyAndReadiesChildren()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        var parked = await ((IRunStore)Store).CompleteNodeAsync(Complete(claim, NodeStatus.Running) with { WaitForSignal = true }, plan, CancellationToken.None);
        Assert.True(parked.Applied);
        var waiting = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.True(waiting.WaitingForSignal);
        Assert.Null(waiting.WaitUntil);
        Assert.Empty(await Store.ListTimersAsync(DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None));
        Assert.Empty(await Store.RequeueAbandonedAsync(T0.AddDays(1), false, TimeSpan.FromMinutes(2), 1_000, CancellationToken.None));

        var stranger = await Store.SignalNodeAsync(new NodeSignal(creation.RunId, Guid.NewGuid(), "a", "{}", T0), plan, CancellationToken.None);
        var notWaiting = await Store.SignalNodeAsync(new NodeSignal(creation.RunId, Owner, "b", "{}", T0), plan, CancellationToken.None);
        var signalled = await Store.SignalNodeAsync(new NodeSignal(creation.RunId, Owner, "a", """{"ok":1}""", T0.AddMinutes(3)), plan, CancellationToken.None);
        var twice = await Store.SignalNodeAsync(new NodeSignal(creation.RunId, Owner, "a", "{}", T0.AddMinutes(4)), plan, CancellationToken.None);

        Assert.Equal(SignalOutcome.NotFound, stranger.Outcome);
        Assert.Equal(SignalOutcome.NotWaiting, notWaiting.Outcome);
        Assert.Equal(NodeStatus.Pending, notWaiting.NodeStatus);
        Assert.Equal(SignalOutcome.Applied, signalled.Outcome);
        Assert.Equal(["b", "c"], signalled.Completion!.Messages.Select(m => m.Message.NodeId).Order());
        Assert.Equal(SignalOutcome.NotWaiting, twice.Outcome);
        var a = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Equal(NodeStatus.Succeeded, a.Status);
        Assert.Equal("""{"ok":1}""", a.OutputJson);
        Assert.Equal(T0.AddMinutes(3), Assert.Single(a.Attempts).FinishedAt);
    }

    [Fact]
    public async Task TryClaimAsync_ResumedWaitLostThenLeaseExpired_NextAttemptStillResumed()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        var wakeAt = T0.AddHours(1);
        await WaitAsync(plan, claim, wakeAt);
        var resumed = await ClaimAsync(MessageFor(plan, creation.RunId, "a", claim.Version + 1), plan, wakeAt);

        var takeover = await TryClaimAsync(MessageFor(plan, creation.RunId, "a", resumed.Version), plan, wakeAt + Lease + TimeSpan.FromSeconds(1));

        Assert.NotNull(takeover);
        Assert.Equal(resumed.Attempt + 1, takeover.Attempt);
        Assert.Equal(wakeAt, takeover.ResumedFromWaitUntil);
    }

    private static NodeCompletion Complete(
        ClaimedNode claim, NodeStatus status, string? output = null, string? error = null, string[]? ports = null, DateTimeOffset? at = null) =>
        new(claim.RunId, claim.NodeId, claim.Version, status, output, error, ports ?? (status == NodeStatus.Succeeded ? [TestPlans.Main] : []), at ?? T0)
        {
            Attempt = status == NodeStatus.Running ? 0 : claim.Attempt,
            AttemptStartedAt = T0,
            InputJson = """{"in":1}""",
        };
}
