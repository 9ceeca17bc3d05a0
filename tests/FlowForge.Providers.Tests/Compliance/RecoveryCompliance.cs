using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class RecoveryCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task RequeueAbandonedAsync_SoleWorker_ReadiesRunningNodesAndRewritesEveryMessage()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var fresh = await CreateRunAsync(plan);
        var started = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, started.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var restartAt = T0.AddSeconds(5);

        var messages = await Store.RequeueAbandonedAsync(restartAt, noOtherWorkers: true, TimeSpan.FromMinutes(2), 1_000, CancellationToken.None);

        Assert.Equal(
            new[]
            {
                new WorkMessage(WorkKind.StartFlow, fresh.RunId, "trigger", 1, plan.FlowId, 1),
                new WorkMessage(WorkKind.ExecuteNode, started.RunId, "b", b.Version + 1, plan.FlowId, 1),
                new WorkMessage(WorkKind.ExecuteNode, started.RunId, "c", MessageTo(toBc, "c").Message.Version, plan.FlowId, 1),
            }.OrderBy(m => (m.RunId, m.NodeId)),
            messages.Select(m => m.Message).OrderBy(m => (m.RunId, m.NodeId)));
        Assert.Equal(messages.Select(m => m.OutboxId).Order(), (await Store.ReadPendingAsync(100, CancellationToken.None)).Select(m => m.OutboxId));

        var rerun = await ClaimAsync(Assert.Single(messages, m => m.Message.NodeId == "b"), plan, restartAt);
        Assert.Equal(2, rerun.Attempt);
        Assert.False((await SucceedAsync(plan, b)).Applied);
    }

    [Fact]
    public async Task RequeueAbandonedAsync_SoleWorker_LeavesFinalRunsAndTimersAlone()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var cancelled = await CreateRunAsync(plan);
        await ClaimAsync(cancelled.Messages[0], plan);
        await Store.CancelRunAsync(cancelled.RunId, null, T0, CancellationToken.None);
        var waiting = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, waiting.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        await WaitAsync(plan, a, T0.AddHours(1));

        var messages = await Store.RequeueAbandonedAsync(T0.AddSeconds(1), noOtherWorkers: true, TimeSpan.FromMinutes(2), 1_000, CancellationToken.None);

        Assert.Empty(messages);
        Assert.Empty(await Store.ReadPendingAsync(100, CancellationToken.None));
        Assert.Equal(NodeStatus.Running, NodeOf(await GetRunAsync(cancelled.RunId), "trigger").Status);
        Assert.Single(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task RequeueAbandonedAsync_SharedWorkers_RequeuesExpiredLeasesAndStaleReadyNodesOnly()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var staleReady = await CreateRunAsync(plan, createdAt: T0);
        var freshReady = await CreateRunAsync(plan, createdAt: T0.AddMinutes(9));
        var expired = await CreateRunAsync(plan);
        var expiredClaim = await ClaimAsync(expired.Messages[0], plan, T0);
        var leased = await CreateRunAsync(plan);
        var leasedClaim = await ClaimAsync(leased.Messages[0], plan, T0.AddMinutes(9));
        var now = T0.AddMinutes(10);

        var messages = await Store.RequeueAbandonedAsync(now, noOtherWorkers: false, TimeSpan.FromMinutes(5), 1_000, CancellationToken.None);

        Assert.Equal(
            new[]
            {
                new WorkMessage(WorkKind.StartFlow, expired.RunId, "trigger", expiredClaim.Version, plan.FlowId, 1),
                new WorkMessage(WorkKind.StartFlow, staleReady.RunId, "trigger", 1, plan.FlowId, 1),
            }.OrderBy(m => m.RunId),
            messages.Select(m => m.Message).OrderBy(m => m.RunId));
        Assert.Equal(6, (await Store.ReadPendingAsync(100, CancellationToken.None)).Count);
        Assert.DoesNotContain(messages, m => m.Message.RunId == freshReady.RunId || m.Message.RunId == leased.RunId);

        var takeover = await ClaimAsync(Assert.Single(messages, m => m.Message.RunId == expired.RunId), plan, now);
        Assert.Equal(2, takeover.Attempt);
        Assert.Equal(1, leasedClaim.Attempt);
    }

    [Fact]
    public async Task RequeueAbandonedAsync_MoreStaleReadyNodesThanTheLimit_SendsTheOldestAndReachesTheRestAtLaterSweeps()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runs = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            runs.Add((await CreateRunAsync(plan, createdAt: T0.AddSeconds(i))).RunId);
        }

        var now = T0.AddMinutes(10);
        var resendAfter = TimeSpan.FromMinutes(5);

        var first = await Store.RequeueAbandonedAsync(now, noOtherWorkers: false, resendAfter, 2, CancellationToken.None);
        var second = await Store.RequeueAbandonedAsync(now.AddSeconds(30), noOtherWorkers: false, resendAfter, 2, CancellationToken.None);
        var third = await Store.RequeueAbandonedAsync(now.AddSeconds(60), noOtherWorkers: false, resendAfter, 2, CancellationToken.None);
        var fourth = await Store.RequeueAbandonedAsync(now.AddSeconds(90), noOtherWorkers: false, resendAfter, 2, CancellationToken.None);

        Assert.Equal(runs.Take(2), first.Select(m => m.Message.RunId));
        Assert.Equal(runs.Skip(2).Take(2), second.Select(m => m.Message.RunId));
        Assert.Equal(runs.Skip(4), third.Select(m => m.Message.RunId));
        Assert.Empty(fourth);

        // Once Engine:ReadyResendAfter has passed again, a node still Ready is sent once more. The first two were resent
        // at the same instant, so their order among themselves is the database's.
        var later = await Store.RequeueAbandonedAsync(now.AddSeconds(30) + resendAfter, noOtherWorkers: false, resendAfter, 10, CancellationToken.None);
        Assert.Equal(runs.Take(2).Order(), later.Select(m => m.Message.RunId).Order());
    }

    [Fact]
    public async Task RequeueAbandonedAsync_ExpiredLeasesAndStaleReadyNodes_SendNoMoreThanTheLimitTogether()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var leased = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var run = await CreateRunAsync(plan, createdAt: T0);
            await ClaimAsync(run.Messages[0], plan, T0);
            leased.Add(run.RunId);
        }

        for (var i = 0; i < 3; i++)
        {
            await CreateRunAsync(plan, createdAt: T0);
        }

        var messages = await Store.RequeueAbandonedAsync(T0.AddMinutes(10), noOtherWorkers: false, TimeSpan.FromMinutes(5), 4, CancellationToken.None);

        Assert.Equal(4, messages.Count);
        Assert.All(leased, runId => Assert.Contains(messages, m => m.Message.RunId == runId));
    }

    [Fact]
    public async Task CloseNodesOfEndedRunsAsync_NodeLostInACancelledRun_IsCancelledWithAReasonAndLiveRunsAreLeftAlone()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var cancelled = await CreateRunAsync(plan);
        var lost = await ClaimAsync(cancelled.Messages[0], plan, T0);
        await Store.CancelRunAsync(cancelled.RunId, null, T0.AddSeconds(1), CancellationToken.None);
        var live = await CreateRunAsync(plan);
        await ClaimAsync(live.Messages[0], plan, T0);

        var whileLeased = await Store.CloseNodesOfEndedRunsAsync(T0 + Lease - TimeSpan.FromSeconds(1), 100, CancellationToken.None);
        var afterLease = await Store.CloseNodesOfEndedRunsAsync(T0 + Lease + TimeSpan.FromSeconds(1), 100, CancellationToken.None);
        var again = await Store.CloseNodesOfEndedRunsAsync(T0 + Lease + TimeSpan.FromSeconds(2), 100, CancellationToken.None);

        Assert.Equal(0, whileLeased);
        Assert.Equal(1, afterLease);
        Assert.Equal(0, again);
        var closed = NodeOf(await GetRunAsync(cancelled.RunId), "trigger");
        Assert.Equal(NodeStatus.Cancelled, closed.Status);
        Assert.Contains("Cancelled", closed.Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, (await GetRunAsync(cancelled.RunId)).Status);
        Assert.Equal(NodeStatus.Running, NodeOf(await GetRunAsync(live.RunId), "trigger").Status);
        Assert.False((await SucceedAsync(plan, lost)).Applied);
    }

    [Fact]
    public async Task CloseNodesOfEndedRunsAsync_NodeRunningWhenItsRunFailed_IsCancelledNamingTheFailedRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        await ClaimAsync(MessageTo(toBc, "b"), plan, T0);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan, T0);
        Assert.Equal(RunStatus.Failed, (await FailAsync(plan, c, "boom")).RunFinished);
        Assert.Equal(NodeStatus.Running, NodeOf(await GetRunAsync(creation.RunId), "b").Status);

        Assert.Equal(1, await Store.CloseNodesOfEndedRunsAsync(T0.AddHours(1), 100, CancellationToken.None));

        var b = NodeOf(await GetRunAsync(creation.RunId), "b");
        Assert.Equal(NodeStatus.Cancelled, b.Status);
        Assert.Contains("Failed", b.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseNodesOfEndedRunsAsync_ManyLostNodes_ClosesNoMoreThanTheLimitPerCall()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        for (var i = 0; i < 6; i++)
        {
            var run = await CreateRunAsync(plan);
            await ClaimAsync(run.Messages[0], plan, T0);
            await Store.CancelRunAsync(run.RunId, null, T0, CancellationToken.None);
        }

        var first = await Store.CloseNodesOfEndedRunsAsync(T0.AddHours(1), 4, CancellationToken.None);
        var second = await Store.CloseNodesOfEndedRunsAsync(T0.AddHours(1), 4, CancellationToken.None);

        Assert.Equal(4, first);
        Assert.Equal(2, second);
    }

    [Fact]
    public async Task ListTimersAsync_ReturnsDueTimersOfLiveRunsWithCurrentVersion()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var soon = await ParkTriggerOnTimerAsync(plan, T0.AddMinutes(1));
        await ParkTriggerOnTimerAsync(plan, T0.AddMinutes(30));
        var ofCancelledRun = await ParkTriggerOnTimerAsync(plan, T0.AddMinutes(2));
        await Store.CancelRunAsync(ofCancelledRun.RunId, null, T0, CancellationToken.None);

        var due = await Store.ListTimersAsync(T0.AddMinutes(10), CancellationToken.None);

        var (message, dueAt) = Assert.Single(due);
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, soon.RunId, "trigger", soon.Version + 1, plan.FlowId, 1), message);
        Assert.Equal(T0.AddMinutes(1), dueAt);
        Assert.Equal(2, (await Store.ListTimersAsync(T0.AddHours(1), CancellationToken.None)).Count);
    }

    private async Task<Engine.Storage.ClaimedNode> ParkTriggerOnTimerAsync(Engine.Graphs.ExecutionPlan plan, DateTimeOffset until)
    {
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);
        Assert.True((await WaitAsync(plan, claim, until)).Applied);
        return claim;
    }
}
