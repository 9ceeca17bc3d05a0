using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Reopening Failed and Cancelled runs: which nodes run again, the counters they get, and what is refused.</summary>
public abstract class ReopenCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Later = T0.AddMinutes(10);

    [Fact]
    public async Task ReopenRunAsync_DiamondWithFailedBranch_ReadiesFailedNodeAndKeepsSucceededOutputs()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        await RunNodeAsync(plan, MessageTo(toBc, "b"));
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);
        var failed = await CompleteAttemptAsync(plan, c, NodeStatus.Failed, null, "boom", []);
        Assert.Equal(RunStatus.Failed, failed.RunFinished);
        var before = await GetRunAsync(creation.RunId);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(ReopenOutcome.Reopened, result.Outcome);
        Assert.Equal(RunStatus.Running, result.Status);
        Assert.Equal(2, result.Attempt);
        Assert.Equal([new NodeStateChange("c", NodeStatus.Ready), new NodeStateChange("d", NodeStatus.Pending)], result.Changes);
        var toC = Assert.Single(result.Messages);
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, creation.RunId, "c", c.Version + 2, plan.FlowId, plan.Version), toC.Message);
        Assert.Contains(toC, await Store.ReadPendingAsync(10, CancellationToken.None));
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(2, run.Attempt);
        Assert.Null(run.Error);
        Assert.Null(run.FinishedAt);
        foreach (var kept in new[] { "trigger", "a", "b" })
        {
            var was = NodeOf(before, kept);
            var now = NodeOf(run, kept);
            Assert.Equal(NodeStatus.Succeeded, now.Status);
            Assert.Equal((was.OutputJson, was.Attempt, was.FinishedAt), (now.OutputJson, now.Attempt, now.FinishedAt));
        }

        Assert.Equal(NodeStatus.Ready, NodeOf(run, "c").Status);
        Assert.Null(NodeOf(run, "c").Error);

        var again = await ClaimAsync(toC, plan, Later);
        Assert.Equal(2, again.Attempt);
        var done = await CompleteAttemptAsync(plan, again, NodeStatus.Succeeded, """{"c":2}""", null, [TestPlans.Main]);
        var d = await ClaimAsync(MessageTo(done, "d"), plan, Later);
        Assert.Equal(["b", "c"], d.DependencyOutputs.Keys.Order());
        var last = await SucceedAsync(plan, d, at: Later);
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        var finished = await GetRunAsync(creation.RunId);
        Assert.Equal([1, 2], NodeOf(finished, "c").Attempts.Select(t => t.Attempt));
        Assert.Equal([NodeStatus.Failed, NodeStatus.Succeeded], NodeOf(finished, "c").Attempts.Select(t => t.Status));
    }

    [Fact]
    public async Task ReopenRunAsync_NodeSucceededAfterRunFailed_ResolvesItsEdgesFromRecordedPorts()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);
        await FailAsync(plan, c, "boom");
        var late = await SucceedAsync(plan, b);
        Assert.Empty(late.Messages);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(ReopenOutcome.Reopened, result.Outcome);
        Assert.Equal(["c"], result.Messages.Select(m => m.Message.NodeId));
        var toD = await RunNodeAsync(plan, Assert.Single(result.Messages));
        var last = await RunNodeAsync(plan, MessageTo(toD, "d"));
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        Assert.Equal(NodeStatus.Succeeded, NodeOf(await GetRunAsync(creation.RunId), "b").Status);
    }

    [Fact]
    public async Task ReopenRunAsync_FailedBranchNextToSkippedBranch_KeepsSkipAndReachesJoin()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toCheck = await RunNodeAsync(plan, creation.Messages[0]);
        var toYes = await RunNodeAsync(plan, MessageTo(toCheck, "check"), ports: ["true"]);
        var yes = await ClaimAsync(MessageTo(toYes, "yes"), plan);
        await FailAsync(plan, yes, "boom");
        var failedRun = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Skipped, NodeOf(failedRun, "afterNo").Status);
        Assert.Equal(NodeStatus.Cancelled, NodeOf(failedRun, "merge").Status);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(
            [new NodeStateChange("yes", NodeStatus.Ready), new NodeStateChange("afterYes", NodeStatus.Pending), new NodeStateChange("merge", NodeStatus.Pending)],
            result.Changes);
        var toAfterYes = await RunNodeAsync(plan, Assert.Single(result.Messages));
        var toMerge = await RunNodeAsync(plan, MessageTo(toAfterYes, "afterYes"));
        var last = await RunNodeAsync(plan, MessageTo(toMerge, "merge"));
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "no").Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "afterNo").Status);
    }

    [Fact]
    public async Task ReopenRunAsync_FailedWithoutErrorPort_NodeThatSucceedsSkipsItsErrorBranch()
    {
        var plan = TestPlans.ErrorBranch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toWork = await RunNodeAsync(plan, creation.Messages[0]);
        var work = await ClaimAsync(MessageTo(toWork, "work"), plan);
        await FailAsync(plan, work, "boom");

        var result = await ReopenAsync(plan, creation.RunId);
        var afterWork = await RunNodeAsync(plan, Assert.Single(result.Messages));

        Assert.Contains(new NodeStateChange("handler", NodeStatus.Skipped), afterWork.Changes);
        var last = await RunNodeAsync(plan, MessageTo(afterWork, "after"));
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
    }

    [Fact]
    public async Task ReopenRunAsync_HandlerOfErrorPortFailed_KeepsHandledFailureAndRunsHandlerAgain()
    {
        var plan = TestPlans.ErrorBranch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toWork = await RunNodeAsync(plan, creation.Messages[0]);
        var work = await ClaimAsync(MessageTo(toWork, "work"), plan);
        var handled = await ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(creation.RunId, "work", work.Version, NodeStatus.Failed, """{"message":"boom"}""", "boom", [NodePorts.Error], T0) { ThroughErrorPort = true },
            plan,
            CancellationToken.None);
        var handler = await ClaimAsync(MessageTo(handled, "handler"), plan);
        await FailAsync(plan, handler, "handler broke");

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal([new NodeStateChange("handler", NodeStatus.Ready)], result.Changes);
        var handlerAgain = await ClaimAsync(Assert.Single(result.Messages), plan);
        Assert.Equal("""{"message":"boom"}""", handlerAgain.DependencyOutputs["work"]?.GetRawText());
        var last = await SucceedAsync(plan, handlerAgain);
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Failed, NodeOf(run, "work").Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "after").Status);
    }

    [Fact]
    public async Task ReopenRunAsync_RunCancelledBeforeItStarted_ReadiesTriggerAndStaysPending()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await Store.CancelRunAsync(creation.RunId, Owner, T0, CancellationToken.None);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(RunStatus.Pending, result.Status);
        var toTrigger = Assert.Single(result.Messages);
        Assert.Equal(WorkKind.StartFlow, toTrigger.Message.Kind);
        Assert.Equal(["trigger", "a", "b", "c", "d"], result.Changes.Select(c => c.NodeId));
        var claim = await ClaimAsync(toTrigger, plan);
        Assert.True(claim.RunStarted);
    }

    [Fact]
    public async Task ReopenRunAsync_CancelledRunningRun_RunsCancelledNodesToTheEnd()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await RunNodeAsync(plan, creation.Messages[0]);
        await Store.CancelRunAsync(creation.RunId, Owner, T0, CancellationToken.None);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(RunStatus.Running, result.Status);
        Assert.Equal("a", Assert.Single(result.Messages).Message.NodeId);
        var toBc = await RunNodeAsync(plan, Assert.Single(result.Messages));
        await RunNodeAsync(plan, MessageTo(toBc, "b"));
        var toD = await RunNodeAsync(plan, MessageTo(toBc, "c"));
        Assert.Equal(RunStatus.Succeeded, (await RunNodeAsync(plan, MessageTo(toD, "d"))).RunFinished);
    }

    [Fact]
    public async Task ReopenRunAsync_NodeStillExecutingInFailedRun_RefusedUntilItsLeaseEnds()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);
        await FailAsync(plan, c, "boom");

        var refused = await ReopenAsync(plan, creation.RunId, T0.AddSeconds(1));

        Assert.Equal(ReopenOutcome.NodeStillExecuting, refused.Outcome);
        Assert.Equal("b", refused.NodeId);
        Assert.Equal(RunStatus.Failed, (await GetRunAsync(creation.RunId)).Status);

        var reopened = await ReopenAsync(plan, creation.RunId, T0 + Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(ReopenOutcome.Reopened, reopened.Outcome);
        Assert.Equal(["b", "c"], reopened.Messages.Select(m => m.Message.NodeId).Order());
    }

    [Fact]
    public async Task ReopenRunAsync_RunNotFailed_RefusedWithItsStatus()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await RunNodeAsync(plan, creation.Messages[0]);

        var result = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(ReopenOutcome.NotFailed, result.Outcome);
        Assert.Equal(RunStatus.Running, result.Status);
        Assert.Empty(result.Messages);
        Assert.Equal(1, (await GetRunAsync(creation.RunId)).Attempt);
    }

    [Fact]
    public async Task ReopenRunAsync_AnotherOwnersRun_ReturnsNull()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await Store.CancelRunAsync(creation.RunId, Owner, T0, CancellationToken.None);

        Assert.Null(await Store.ReopenRunAsync(creation.RunId, Guid.NewGuid(), plan, Later, CancellationToken.None));
        Assert.Null(await Store.ReopenRunAsync(Guid.NewGuid(), Owner, plan, Later, CancellationToken.None));
        Assert.Equal(RunStatus.Cancelled, (await GetRunAsync(creation.RunId)).Status);
    }

    [Fact]
    public async Task ReopenRunAsync_TwiceAfterFailingAgain_CountsRunAttempts()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        await FailAsync(plan, trigger, "first");
        var first = await ReopenAsync(plan, creation.RunId);
        var again = await ClaimAsync(Assert.Single(first.Messages), plan);
        await FailAsync(plan, again, "second");

        var second = await ReopenAsync(plan, creation.RunId);

        Assert.Equal(3, second.Attempt);
        Assert.Equal(3, (await GetRunAsync(creation.RunId)).Attempt);
        Assert.Equal(3, (await ClaimAsync(Assert.Single(second.Messages), plan)).Attempt);
    }

    [Fact]
    public async Task ListRunsByStatusAsync_FailedRunsOfSeveralFlows_ListsOwnersNewestFirstInPages()
    {
        var owner = Guid.NewGuid();
        var failed = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var plan = TestPlans.Diamond(Guid.NewGuid());
            var creation = await CreateRunAsync(plan, createdAt: T0.AddSeconds(i), owner: owner);
            var trigger = await ClaimAsync(creation.Messages[0], plan);
            if (i % 2 == 0)
            {
                await FailAsync(plan, trigger, "boom");
                failed.Add(creation.RunId);
            }
        }

        var other = TestPlans.Diamond(Guid.NewGuid());
        var foreign = await CreateRunAsync(other, createdAt: T0.AddSeconds(9));
        await FailAsync(other, await ClaimAsync(foreign.Messages[0], other), "boom");

        var first = await Store.ListRunsByStatusAsync(owner, RunStatus.Failed, new PageRequest(2, null), CancellationToken.None);
        var second = await Store.ListRunsByStatusAsync(owner, RunStatus.Failed, new PageRequest(2, first.NextCursor), CancellationToken.None);

        Assert.Equal([failed[2], failed[1]], first.Items.Select(r => r.Id));
        Assert.Equal([failed[0]], second.Items.Select(r => r.Id));
        Assert.Null(second.NextCursor);
        Assert.All(first.Items.Concat(second.Items), r => Assert.Equal(RunStatus.Failed, r.Status));
        Assert.Equal("Node 'trigger' failed: boom", first.Items[0].Error);
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            Store.ListRunsAsync(other.FlowId, owner, new PageRequest(2, first.NextCursor), CancellationToken.None));
    }

    [Fact]
    public async Task ListRunsByStatusAsync_NoStatus_ListsOwnersRunsInEveryStatusNewestFirst()
    {
        var owner = Guid.NewGuid();
        var runs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var plan = TestPlans.Diamond(Guid.NewGuid());
            var creation = await CreateRunAsync(plan, createdAt: T0.AddSeconds(i), owner: owner);
            if (i == 1)
            {
                await FailAsync(plan, await ClaimAsync(creation.Messages[0], plan), "boom");
            }

            runs.Add(creation.RunId);
        }

        var other = TestPlans.Diamond(Guid.NewGuid());
        await CreateRunAsync(other, createdAt: T0.AddSeconds(9));

        var first = await Store.ListRunsByStatusAsync(owner, null, new PageRequest(2, null), CancellationToken.None);
        var second = await Store.ListRunsByStatusAsync(owner, null, new PageRequest(2, first.NextCursor), CancellationToken.None);

        Assert.Equal([runs[2], runs[1]], first.Items.Select(r => r.Id));
        Assert.Equal([runs[0]], second.Items.Select(r => r.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(RunStatus.Failed, first.Items[1].Status);
        Assert.NotEqual(RunStatus.Failed, first.Items[0].Status);
    }

    private async Task<ReopenResult> ReopenAsync(ExecutionPlan plan, Guid runId, DateTimeOffset? at = null)
    {
        var result = await Store.ReopenRunAsync(runId, Owner, plan, at ?? Later, CancellationToken.None);
        Assert.NotNull(result);
        return result;
    }

    private Task<CompletionResult> CompleteAttemptAsync(ExecutionPlan plan, ClaimedNode claim, NodeStatus status, string? output, string? error, string[] ports) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, status, output, error, ports, T0) { Attempt = claim.Attempt, AttemptStartedAt = T0 },
            plan,
            CancellationToken.None);
}
