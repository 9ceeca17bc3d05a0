using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Run creation and the optimistic claim, as every <see cref="IRunStore"/> must behave.</summary>
public abstract class RunStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task CreateRunAsync_NewRun_WritesPendingRunReadyTriggerAndStartFlowMessage()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        var creation = await CreateRunAsync(plan, runId: runId, input: """{"name":"Ada"}""");

        Assert.True(creation.Created);
        Assert.Equal(runId, creation.RunId);
        Assert.Equal(RunStatus.Pending, creation.Status);
        var message = Assert.Single(creation.Messages);
        Assert.Equal(new WorkMessage(WorkKind.StartFlow, runId, "trigger", 1, plan.FlowId, 1), message.Message);

        var run = await GetRunAsync(runId);
        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Equal("""{"name":"Ada"}""", run.InputJson);
        Assert.Equal(T0, run.CreatedAt);
        Assert.Null(run.StartedAt);
        Assert.Equal(["trigger", "a", "b", "c", "d"], run.Nodes.Select(n => n.NodeId));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "trigger").Status);
        Assert.All(run.Nodes.Where(n => n.NodeId != "trigger"), n => Assert.Equal(NodeStatus.Pending, n.Status));
        Assert.All(run.Nodes, n => Assert.Equal(0, n.Attempt));

        var pending = await Store.ReadPendingAsync(10, CancellationToken.None);
        Assert.Equal(creation.Messages, pending);
    }

    [Fact]
    public async Task CreateRunAsync_SameIdempotencyKey_ReturnsExistingRunWithoutMessages()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var first = await CreateRunAsync(plan, idempotencyKey: "order-17");
        await ClaimAsync(first.Messages[0], plan);

        var second = await CreateRunAsync(plan, idempotencyKey: "order-17");

        Assert.False(second.Created);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(RunStatus.Running, second.Status);
        Assert.Empty(second.Messages);
        Assert.Single(await Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task CreateRunAsync_SameKeyForOtherFlowOrOwner_CreatesSeparateRuns()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var otherFlow = TestPlans.Diamond(Guid.NewGuid());

        var first = await CreateRunAsync(plan, idempotencyKey: "k");
        var otherOwner = await CreateRunAsync(plan, idempotencyKey: "k", owner: Guid.NewGuid());
        var otherFlowRun = await CreateRunAsync(otherFlow, idempotencyKey: "k");
        var noKey1 = await CreateRunAsync(plan);
        var noKey2 = await CreateRunAsync(plan);

        Assert.All(new[] { first, otherOwner, otherFlowRun, noKey1, noKey2 }, c => Assert.True(c.Created));
        Assert.Equal(5, new[] { first, otherOwner, otherFlowRun, noKey1, noKey2 }.Select(c => c.RunId).Distinct().Count());
    }

    [Fact]
    public async Task CreateRunAsync_SameKeyConcurrently_CreatesExactlyOneRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());

        var creations = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => CreateRunAsync(plan, idempotencyKey: "same"))));

        var created = Assert.Single(creations, c => c.Created);
        Assert.All(creations, c => Assert.Equal(created.RunId, c.RunId));
        var page = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(50, null), CancellationToken.None);
        Assert.Single(page.Items);
        Assert.Single(await Store.ReadPendingAsync(50, CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_ReadyTrigger_ClaimsNodeAndStartsRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var now = T0.AddSeconds(1);

        var claim = await ClaimAsync(creation.Messages[0], plan, now);

        Assert.Equal(2, claim.Version);
        Assert.Equal(1, claim.Attempt);
        Assert.True(claim.RunStarted);
        Assert.Null(claim.ResumedFromWaitUntil);
        Assert.Equal("""{"in":1}""", claim.RunInput?.GetRawText());
        Assert.Empty(claim.DependencyOutputs);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(now, run.StartedAt);
        var trigger = NodeOf(run, "trigger");
        Assert.Equal(NodeStatus.Running, trigger.Status);
        Assert.Equal(now, trigger.StartedAt);
        Assert.Equal(1, trigger.Attempt);
    }

    [Fact]
    public async Task TryClaimAsync_SecondNodeOfStartedRun_DoesNotReportRunStarted()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);

        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);

        Assert.False(claim.RunStarted);
    }

    [Fact]
    public async Task TryClaimAsync_WrongVersion_ReturnsNull()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        Assert.Null(await TryClaimAsync(creation.Messages[0].Message with { Version = 2 }, plan));
        Assert.Null(await TryClaimAsync(creation.Messages[0].Message with { Version = 0 }, plan));
        Assert.Null(await TryClaimAsync(MessageFor(plan, creation.RunId, "a", 0), plan));
        Assert.Null(await TryClaimAsync(MessageFor(plan, Guid.NewGuid(), "trigger", 1), plan));
        Assert.Equal(NodeStatus.Ready, NodeOf(await GetRunAsync(creation.RunId), "trigger").Status);
    }

    [Fact]
    public async Task TryClaimAsync_SameMessageTwice_SecondReturnsNull()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        Assert.NotNull(await TryClaimAsync(creation.Messages[0].Message, plan));
        Assert.Null(await TryClaimAsync(creation.Messages[0].Message, plan));
    }

    [Fact]
    public async Task TryClaimAsync_ManyAtOnce_ExactlyOneWins()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => TryClaimAsync(creation.Messages[0].Message, plan))));

        var winner = Assert.Single(claims, c => c is not null);
        Assert.Equal(1, winner!.Attempt);
        Assert.Equal(1, NodeOf(await GetRunAsync(creation.RunId), "trigger").Attempt);
    }

    [Fact]
    public async Task TryClaimAsync_RunFinal_ReturnsNull()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);
        await Store.CancelRunAsync(creation.RunId, null, T0, CancellationToken.None);

        // Even a lease that ran out does not revive a node of a finished run.
        var takeover = await TryClaimAsync(MessageFor(plan, creation.RunId, "trigger", claim.Version), plan, T0 + Lease + Lease);

        Assert.Null(takeover);
    }

    [Fact]
    public async Task TryClaimAsync_LeaseExpired_TakesOverAsNextAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var first = await ClaimAsync(creation.Messages[0], plan, T0);
        var message = MessageFor(plan, creation.RunId, "trigger", first.Version);

        var whileLeased = await TryClaimAsync(message, plan, T0 + Lease);
        var afterLease = await TryClaimAsync(message, plan, T0 + Lease + TimeSpan.FromMilliseconds(1));

        Assert.Null(whileLeased);
        Assert.NotNull(afterLease);
        Assert.Equal(2, afterLease.Attempt);
        Assert.Equal(first.Version + 1, afterLease.Version);
        Assert.False(afterLease.RunStarted);
        Assert.Null(afterLease.ResumedFromWaitUntil);
        var stale = await SucceedAsync(plan, first);
        Assert.False(stale.Applied);
        Assert.True((await SucceedAsync(plan, afterLease)).Applied);
    }

    [Fact]
    public async Task TryClaimAsync_TimerDue_ResumesSameAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        var wakeAt = T0.AddHours(1);
        await WaitAsync(plan, claim, wakeAt);
        var timerMessage = MessageFor(plan, creation.RunId, "a", claim.Version + 1);

        var early = await TryClaimAsync(timerMessage, plan, wakeAt.AddTicks(-10));
        var resumed = await TryClaimAsync(timerMessage, plan, wakeAt);

        Assert.Null(early);
        Assert.NotNull(resumed);
        Assert.Equal(claim.Attempt, resumed.Attempt);
        Assert.Equal(wakeAt, resumed.ResumedFromWaitUntil);
        Assert.Equal(claim.Version + 2, resumed.Version);
        var a = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Equal(NodeStatus.Running, a.Status);
        Assert.Null(a.WaitUntil);
        Assert.Equal(T0, a.StartedAt);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 3)]
    public async Task TryClaimAsync_RateLimitDeferralDue_SameAttemptHoldingItsSlotOrNot(bool holdsSlot, int refusals)
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var claim = await ClaimAsync(MessageTo(toA, "a"), plan);
        var slotAt = T0.AddSeconds(30);
        var park = new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Running, null, null, [], T0, slotAt)
        {
            RateLimitWait = new RateLimitWait(holdsSlot, refusals),
        };
        Assert.True((await ((IRunStore)Store).CompleteNodeAsync(park, plan, CancellationToken.None)).Applied);
        var waiting = NodeOf(await GetRunAsync(creation.RunId), "a");

        var resumed = await TryClaimAsync(MessageFor(plan, creation.RunId, "a", claim.Version + 1), plan, slotAt);

        Assert.Equal(slotAt, waiting.WaitUntil);
        Assert.StartsWith("Rate limited until ", waiting.WaitReason, StringComparison.Ordinal);
        Assert.NotNull(resumed);
        Assert.Equal(claim.Attempt, resumed.Attempt);
        Assert.Equal(holdsSlot, resumed.HoldsRateSlot);
        Assert.Equal(refusals, resumed.ProviderRefusals);
        Assert.Null(resumed.ResumedFromWaitUntil);
        Assert.Equal(Owner, resumed.OwnerId);
        Assert.Null(NodeOf(await GetRunAsync(creation.RunId), "a").WaitReason);
    }

    [Fact]
    public async Task TryClaimAsync_Dependencies_ReturnsOutputsOfSucceededNodesOnly()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        var toA = await SucceedAsync(plan, trigger, output: """{"from":"trigger"}""");
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        var toBc = await SucceedAsync(plan, a, output: null);
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        await SucceedAsync(plan, b, output: """{"from":"b"}""");

        // c is Ready (not Succeeded), "ghost" does not exist, a succeeded without output.
        var claim = await ((IRunStore)Store).TryClaimAsync(
            MessageTo(toBc, "c").Message, ["trigger", "a", "b", "d", "ghost"], Worker, T0, T0 + Lease, CancellationToken.None);

        Assert.NotNull(claim);
        Assert.Equal(3, claim.DependencyOutputs.Count);
        Assert.Equal("""{"from":"trigger"}""", claim.DependencyOutputs["trigger"]?.GetRawText());
        Assert.True(claim.DependencyOutputs.ContainsKey("a"));
        Assert.Null(claim.DependencyOutputs["a"]);
        Assert.Equal("""{"from":"b"}""", claim.DependencyOutputs["b"]?.GetRawText());
    }
}
