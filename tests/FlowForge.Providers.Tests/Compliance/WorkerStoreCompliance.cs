using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Worker heartbeats, lease renewal, takeover of silent workers and giving claims back.</summary>
public abstract class WorkerStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public async Task HeartbeatAsync_NodeRunningPastItsFirstLease_IsNotClaimedAgainWhileItsWorkerBeats()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        var claim = await ClaimAsync(run.Messages[0], plan, T0);
        var beatAt = T0 + Lease - TimeSpan.FromSeconds(1);

        var renewed = await Store.HeartbeatAsync(Worker, beatAt, beatAt + Lease, CancellationToken.None);

        Assert.Equal(1, renewed);
        var afterFirstLease = T0 + Lease + TimeSpan.FromSeconds(1);
        Assert.Null(await TryClaimAsync(MessageFor(plan, run.RunId, "trigger", claim.Version), plan, afterFirstLease, Other));
        Assert.Empty(await Store.RequeueAbandonedAsync(afterFirstLease, noOtherWorkers: false, TimeSpan.FromHours(1), 1_000, CancellationToken.None));
        Assert.True((await SucceedAsync(plan, claim, at: afterFirstLease)).Applied);
    }

    [Fact]
    public async Task HeartbeatAsync_AnotherWorkersNode_KeepsItsOwnLease()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var mine = await CreateRunAsync(plan);
        var theirs = await CreateRunAsync(plan);
        await ClaimAsync(mine.Messages[0], plan, T0, Worker);
        var theirClaim = await ClaimAsync(theirs.Messages[0], plan, T0, Other);

        Assert.Equal(1, await Store.HeartbeatAsync(Worker, T0.AddMinutes(1), T0.AddMinutes(1) + Lease, CancellationToken.None));

        var takeover = await TryClaimAsync(MessageFor(plan, theirs.RunId, "trigger", theirClaim.Version), plan, T0 + Lease + TimeSpan.FromSeconds(1), Worker);
        Assert.NotNull(takeover);
        Assert.Equal(1, takeover.Interruptions);
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_WorkerStoppedBeating_ItsNodesAreReadyAtOnceAndItsResultIsStale()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var silentRun = await CreateRunAsync(plan);
        var liveRun = await CreateRunAsync(plan);
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        await Store.HeartbeatAsync(Other, T0, T0 + Lease, CancellationToken.None);
        var silentClaim = await ClaimAsync(silentRun.Messages[0], plan, T0, Worker);
        var liveClaim = await ClaimAsync(liveRun.Messages[0], plan, T0, Other);
        var now = T0.AddSeconds(10);
        await Store.HeartbeatAsync(Other, now, now + Lease, CancellationToken.None);

        var takeover = await Store.TakeOverSilentWorkersAsync(now - TimeSpan.FromSeconds(5), now, CancellationToken.None);

        Assert.Equal(1, takeover.Workers);
        var messages = takeover.Messages;
        var message = Assert.Single(messages).Message;
        Assert.Equal(new WorkMessage(WorkKind.StartFlow, silentRun.RunId, "trigger", silentClaim.Version + 1, plan.FlowId, 1), message);
        Assert.Equal(NodeStatus.Ready, NodeOf(await GetRunAsync(silentRun.RunId), "trigger").Status);
        Assert.Equal(NodeStatus.Running, NodeOf(await GetRunAsync(liveRun.RunId), "trigger").Status);
        Assert.Contains(messages[0].OutboxId, (await Store.ReadPendingAsync(100, CancellationToken.None)).Select(m => m.OutboxId));

        var rerun = await ClaimAsync(message, plan, now, Other);
        Assert.Equal(2, rerun.Attempt);
        Assert.Equal(1, rerun.Interruptions);
        Assert.False((await SucceedAsync(plan, silentClaim, at: now)).Applied);
        Assert.True((await SucceedAsync(plan, rerun, at: now)).Applied);
        Assert.True((await SucceedAsync(plan, liveClaim, at: now)).Applied);
        var again = await Store.TakeOverSilentWorkersAsync(now - TimeSpan.FromSeconds(5), now, CancellationToken.None);
        Assert.Equal(0, again.Workers);
        Assert.Empty(again.Messages);
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_ManySweepsAtOnce_TakeTheWorkerOverOnce()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runs = new List<Guid>();
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            var run = await CreateRunAsync(plan);
            await ClaimAsync(run.Messages[0], plan, T0, Worker);
            runs.Add(run.RunId);
        }

        var now = T0.AddSeconds(30);
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TakeOverSilentWorkersAsync(now.AddSeconds(-5), now, CancellationToken.None))));

        var messages = sweeps.SelectMany(s => s.Messages).Select(m => m.Message).ToList();
        Assert.Equal(runs.Order(), messages.Select(m => m.RunId).Order());
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_WaitingNodesAndFinishedRuns_AreLeftAlone()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        var waiting = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, waiting.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan, T0, Worker);
        await WaitAsync(plan, a, T0.AddHours(1));
        var cancelled = await CreateRunAsync(plan);
        await ClaimAsync(cancelled.Messages[0], plan, T0, Worker);
        await Store.CancelRunAsync(cancelled.RunId, null, T0, CancellationToken.None);

        var takeover = await Store.TakeOverSilentWorkersAsync(T0.AddSeconds(5), T0.AddSeconds(10), CancellationToken.None);

        Assert.Equal(1, takeover.Workers);
        Assert.Empty(takeover.Messages);
        Assert.Single(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task ReleaseClaimAsync_ClaimedReadyNode_IsReadyAgainAtTheNextVersionWithTheSameAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        var claim = await ClaimAsync(run.Messages[0], plan, T0);

        var next = await Store.ReleaseClaimAsync(run.Messages[0].Message, claim, interrupted: false, T0.AddSeconds(1), CancellationToken.None);

        Assert.Equal(run.Messages[0].Message with { Version = claim.Version + 1 }, next);
        Assert.Equal(NodeStatus.Ready, NodeOf(await GetRunAsync(run.RunId), "trigger").Status);
        Assert.Null(await TryClaimAsync(run.Messages[0].Message, plan, T0.AddSeconds(1)));
        var again = await ClaimAsync(next!, plan, T0.AddSeconds(2), Other);
        Assert.Equal(claim.Attempt, again.Attempt);
        Assert.Equal(0, again.Interruptions);
        Assert.False((await SucceedAsync(plan, claim)).Applied);
        Assert.Null(await Store.ReleaseClaimAsync(run.Messages[0].Message, claim, interrupted: false, T0.AddSeconds(3), CancellationToken.None));
    }

    [Fact]
    public async Task ReleaseClaimAsync_Interrupted_CountsTowardTheNodesInterruptions()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        var claim = await ClaimAsync(run.Messages[0], plan, T0);

        var next = await Store.ReleaseClaimAsync(run.Messages[0].Message, claim, interrupted: true, T0, CancellationToken.None);

        Assert.Equal(1, (await ClaimAsync(next!, plan, T0)).Interruptions);
    }

    [Fact]
    public async Task ReleaseClaimAsync_ResumedTimer_GoesBackToItsTimerAndResumesTheSameAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, run.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        var wakeAt = T0.AddMinutes(1);
        await WaitAsync(plan, a, wakeAt);
        var timer = MessageFor(plan, run.RunId, "a", a.Version + 1);
        var resumed = await ClaimAsync(timer, plan, wakeAt);

        var next = await Store.ReleaseClaimAsync(timer, resumed, interrupted: false, wakeAt.AddSeconds(1), CancellationToken.None);

        Assert.NotNull(next);
        var (message, dueAt) = Assert.Single(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
        Assert.Equal(next, message);
        Assert.Equal(wakeAt, dueAt);
        var again = await ClaimAsync(next, plan, wakeAt.AddSeconds(2));
        Assert.Equal(a.Attempt, again.Attempt);
        Assert.Equal(wakeAt, again.ResumedFromWaitUntil);
    }

    [Fact]
    public async Task ReleaseClaimAsync_RetryClaimAfterAnEndedWait_GoesBackToReadyNotToTheEndedWait()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, run.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        var wakeAt = T0.AddMinutes(1);
        await WaitAsync(plan, a, wakeAt);
        var resumed = await ClaimAsync(MessageFor(plan, run.RunId, "a", a.Version + 1), plan, wakeAt);
        var retryAt = wakeAt.AddMinutes(1);
        var failed = await ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(run.RunId, "a", resumed.Version, NodeStatus.Failed, null, "boom", [], wakeAt) { RetryAt = retryAt }, plan, CancellationToken.None);
        Assert.True(failed.Applied);
        var retryMessage = MessageFor(plan, run.RunId, "a", resumed.Version + 1);
        var retry = await ClaimAsync(retryMessage, plan, retryAt);
        Assert.Equal(wakeAt, retry.ResumedFromWaitUntil);

        var next = await Store.ReleaseClaimAsync(retryMessage, retry, interrupted: false, retryAt.AddSeconds(1), CancellationToken.None);

        Assert.NotNull(next);
        Assert.Equal(NodeStatus.Ready, NodeOf(await GetRunAsync(run.RunId), "a").Status);
        Assert.Empty(await Store.ListTimersAsync(DateTimeOffset.MaxValue.AddYears(-1), CancellationToken.None));
        var again = await ClaimAsync(next, plan, retryAt.AddSeconds(2));
        Assert.Equal(retry.Attempt, again.Attempt);
        Assert.False(again.ClaimedFromTimer);
    }

    [Fact]
    public async Task RequeueAbandonedAsync_SoleWorkerRestart_CountsAnInterruption()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var run = await CreateRunAsync(plan);
        await ClaimAsync(run.Messages[0], plan, T0);

        var messages = await Store.RequeueAbandonedAsync(T0.AddSeconds(1), noOtherWorkers: true, TimeSpan.FromMinutes(2), 1_000, CancellationToken.None);

        Assert.Equal(1, (await ClaimAsync(Assert.Single(messages), plan, T0.AddSeconds(2))).Interruptions);
    }
}
