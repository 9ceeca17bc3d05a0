using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Completing nodes: joins, skips, the end of a run, failures and stale completions.</summary>
public abstract class CompletionCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task CompleteNodeAsync_Succeeded_RecordsNodeAndReadiesChildWithMessage()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);
        var at = T0.AddSeconds(3);

        var result = await SucceedAsync(plan, claim, output: """{"x": [1, 2]}""", at: at);

        Assert.True(result.Applied);
        Assert.Null(result.RunFinished);
        Assert.Equal([new NodeStateChange("trigger", NodeStatus.Succeeded), new NodeStateChange("a", NodeStatus.Ready)], result.Changes);
        var message = Assert.Single(result.Messages);
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, creation.RunId, "a", 1, plan.FlowId, 1), message.Message);
        var run = await GetRunAsync(creation.RunId);
        var trigger = NodeOf(run, "trigger");
        Assert.Equal(NodeStatus.Succeeded, trigger.Status);
        Assert.Equal("""{"x": [1, 2]}""", trigger.OutputJson);
        Assert.Equal(at, trigger.FinishedAt);
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "a").Status);
        Assert.Contains(message, await Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task CompleteNodeAsync_OneParentOfJoinDone_JoinKeepsWaiting()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));

        var afterB = await RunNodeAsync(plan, MessageTo(toBc, "b"));

        Assert.Empty(afterB.Messages);
        Assert.Equal([new NodeStateChange("b", NodeStatus.Succeeded)], afterB.Changes);
        Assert.Equal(NodeStatus.Pending, NodeOf(await GetRunAsync(creation.RunId), "d").Status);

        var afterC = await RunNodeAsync(plan, MessageTo(toBc, "c"));

        Assert.Equal(NodeStatus.Ready, Assert.Single(afterC.Changes, c => c.NodeId == "d").Status);
        Assert.Equal(1, MessageTo(afterC, "d").Message.Version);
    }

    [Fact]
    public async Task CompleteNodeAsync_BothJoinParentsAtOnce_ReadiesJoinExactlyOnce()
    {
        for (var round = 0; round < 10; round++)
        {
            var plan = TestPlans.Diamond(Guid.NewGuid());
            var creation = await CreateRunAsync(plan);
            var toA = await RunNodeAsync(plan, creation.Messages[0]);
            var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
            var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
            var c = await ClaimAsync(MessageTo(toBc, "c"), plan);

            var results = await Task.WhenAll(Task.Run(() => SucceedAsync(plan, b)), Task.Run(() => SucceedAsync(plan, c)));

            Assert.All(results, r => Assert.True(r.Applied));
            var toD = Assert.Single(results.SelectMany(r => r.Messages));
            Assert.Equal("d", toD.Message.NodeId);
            Assert.Single(results.SelectMany(r => r.Changes), ch => ch.NodeId == "d");
            var d = NodeOf(await GetRunAsync(creation.RunId), "d");
            Assert.Equal(NodeStatus.Ready, d.Status);
            Assert.NotNull(await TryClaimAsync(toD.Message, plan));
        }
    }

    [Fact]
    public async Task CompleteNodeAsync_LastNode_SucceedsRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        await RunNodeAsync(plan, MessageTo(toBc, "b"));
        var toD = await RunNodeAsync(plan, MessageTo(toBc, "c"));
        var d = await ClaimAsync(MessageTo(toD, "d"), plan);
        var at = T0.AddMinutes(5);

        var last = await SucceedAsync(plan, d, at: at);

        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        Assert.Empty(last.Messages);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(at, run.FinishedAt);
        Assert.Null(run.Error);
        Assert.All(run.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
    }

    [Fact]
    public async Task CompleteNodeAsync_StaleVersion_ReturnsStaleAndChangesNothing()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);

        var wrongVersion = await SucceedAsync(plan, claim with { Version = claim.Version - 1 });
        var applied = await SucceedAsync(plan, claim);
        var twice = await SucceedAsync(plan, claim);

        Assert.Same(CompletionResult.Stale, wrongVersion);
        Assert.True(applied.Applied);
        Assert.False(twice.Applied);
        Assert.Empty(twice.Messages);
        Assert.Single(await Store.ReadPendingAsync(10, CancellationToken.None), m => m.Message.NodeId == "a");
        Assert.False((await SucceedAsync(plan, claim with { RunId = Guid.NewGuid() })).Applied);
    }

    [Fact]
    public async Task CompleteNodeAsync_Failed_FailsRunAndCancelsPendingReadyAndWaitingNodes()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);
        await WaitAsync(plan, c, T0.AddHours(1));
        var at = T0.AddSeconds(9);

        var result = await FailAsync(plan, b, "HTTP 500 from api.example.com", at);

        Assert.True(result.Applied);
        Assert.Equal(RunStatus.Failed, result.RunFinished);
        Assert.Empty(result.Messages);
        Assert.Equal(
            [new NodeStateChange("b", NodeStatus.Failed), new NodeStateChange("c", NodeStatus.Cancelled), new NodeStateChange("d", NodeStatus.Cancelled)],
            result.Changes);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("Node 'b' failed: HTTP 500 from api.example.com", run.Error);
        Assert.Equal(at, run.FinishedAt);
        Assert.Equal("HTTP 500 from api.example.com", NodeOf(run, "b").Error);
        Assert.Null(NodeOf(run, "c").WaitUntil);
        Assert.Equal(at, NodeOf(run, "d").FinishedAt);
        Assert.Empty(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task CompleteNodeAsync_FailedWhileSiblingExecutes_SiblingFinishesButSchedulesNothing()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);

        var failed = await FailAsync(plan, b, "boom");
        var late = await SucceedAsync(plan, c, output: """{"late":true}""");

        Assert.Equal([new NodeStateChange("b", NodeStatus.Failed), new NodeStateChange("d", NodeStatus.Cancelled)], failed.Changes);
        Assert.True(late.Applied);
        Assert.Empty(late.Messages);
        Assert.Null(late.RunFinished);
        Assert.Equal([new NodeStateChange("c", NodeStatus.Succeeded)], late.Changes);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(NodeStatus.Succeeded, NodeOf(run, "c").Status);
        Assert.Equal("""{"late":true}""", NodeOf(run, "c").OutputJson);
        Assert.Equal(NodeStatus.Cancelled, NodeOf(run, "d").Status);
        Assert.DoesNotContain(await Store.ReadPendingAsync(50, CancellationToken.None), m => m.Message.NodeId == "d");
    }

    [Fact]
    public async Task CompleteNodeAsync_SecondFailureAfterRunFailed_KeepsFirstError()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);

        await FailAsync(plan, b, "first");
        var second = await FailAsync(plan, c, "second");

        Assert.True(second.Applied);
        Assert.Null(second.RunFinished);
        Assert.Equal([new NodeStateChange("c", NodeStatus.Failed)], second.Changes);
        Assert.Equal("Node 'b' failed: first", (await GetRunAsync(creation.RunId)).Error);
    }

    [Fact]
    public async Task CompleteNodeAsync_Waiting_ParksNodeOnTimerWithoutOtherChanges()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);
        var wakeAt = T0.AddDays(1);

        var result = await WaitAsync(plan, a, wakeAt);

        Assert.True(result.Applied);
        Assert.Empty(result.Messages);
        Assert.Empty(result.Changes);
        Assert.Null(result.RunFinished);
        var node = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Equal(NodeStatus.Running, node.Status);
        Assert.Equal(wakeAt, node.WaitUntil);
        Assert.Null(node.FinishedAt);
        Assert.False((await SucceedAsync(plan, a)).Applied);
        var timer = Assert.Single(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
        Assert.Equal(a.Version + 1, timer.Message.Version);
    }

    [Fact]
    public async Task CompleteNodeAsync_WaitingAfterRunEnded_CancelsNodeInsteadOfParking()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);
        await Store.CancelRunAsync(creation.RunId, null, T0, CancellationToken.None);

        var result = await WaitAsync(plan, claim, T0.AddHours(1), at: T0.AddSeconds(1));

        Assert.True(result.Applied);
        Assert.Empty(result.Messages);
        Assert.Null(result.RunFinished);
        Assert.Equal([new NodeStateChange("trigger", NodeStatus.Cancelled)], result.Changes);
        var trigger = NodeOf(await GetRunAsync(creation.RunId), "trigger");
        Assert.Equal(NodeStatus.Cancelled, trigger.Status);
        Assert.Null(trigger.WaitUntil);
        Assert.Equal(T0.AddSeconds(1), trigger.FinishedAt);
        Assert.Empty(await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task CompleteNodeAsync_UnfiredPort_SkipsThatBranchDownToTheJoin()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toCheck = await RunNodeAsync(plan, creation.Messages[0]);

        var branched = await RunNodeAsync(plan, MessageTo(toCheck, "check"), ports: ["true"]);

        Assert.Equal(
            [
                new NodeStateChange("check", NodeStatus.Succeeded),
                new NodeStateChange("yes", NodeStatus.Ready),
                new NodeStateChange("no", NodeStatus.Skipped),
                new NodeStateChange("afterNo", NodeStatus.Skipped),
            ],
            branched.Changes);
        var toAfterYes = await RunNodeAsync(plan, MessageTo(branched, "yes"));
        var toMerge = await RunNodeAsync(plan, MessageTo(toAfterYes, "afterYes"));
        var done = await RunNodeAsync(plan, MessageTo(toMerge, "merge"));

        Assert.Equal(RunStatus.Succeeded, done.RunFinished);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "no").Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "afterNo").Status);
        Assert.Equal(NodeStatus.Succeeded, NodeOf(run, "merge").Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_NoPortFired_SkipsEverythingDownstreamAndSucceedsRun()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toCheck = await RunNodeAsync(plan, creation.Messages[0]);

        var result = await RunNodeAsync(plan, MessageTo(toCheck, "check"), ports: []);

        Assert.Empty(result.Messages);
        Assert.Equal(RunStatus.Succeeded, result.RunFinished);
        var skipped = result.Changes.Where(c => c.Status == NodeStatus.Skipped).Select(c => c.NodeId).Order(StringComparer.Ordinal);
        Assert.Equal(["afterNo", "afterYes", "merge", "no", "yes"], skipped);
        Assert.Equal(RunStatus.Succeeded, (await GetRunAsync(creation.RunId)).Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_TwoEdgesToOneChild_CountsBothEdges()
    {
        var plan = TestPlans.TwoEdgesToOneChild(Guid.NewGuid());
        var firedOne = await CreateRunAsync(plan);
        var firedNone = await CreateRunAsync(plan);

        var toRouteA = await RunNodeAsync(plan, firedOne.Messages[0]);
        var readied = await RunNodeAsync(plan, MessageTo(toRouteA, "route"), ports: ["a"]);
        var toRouteB = await RunNodeAsync(plan, firedNone.Messages[0]);
        var skipped = await RunNodeAsync(plan, MessageTo(toRouteB, "route"), ports: []);

        Assert.Equal(NodeStatus.Ready, Assert.Single(readied.Changes, c => c.NodeId == "target").Status);
        Assert.Single(readied.Messages);
        Assert.Equal(NodeStatus.Skipped, Assert.Single(skipped.Changes, c => c.NodeId == "target").Status);
        Assert.Equal(RunStatus.Succeeded, skipped.RunFinished);
    }

    [Fact]
    public async Task CompleteNodeAsync_CancelledWhileRunGoesOn_ChildrenSeeEdgesNotTaken()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);

        var cancelled = await ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(b.RunId, "b", b.Version, NodeStatus.Cancelled, null, null, [TestPlans.Main], T0), plan, CancellationToken.None);
        var afterC = await RunNodeAsync(plan, MessageTo(toBc, "c"));

        Assert.Equal([new NodeStateChange("b", NodeStatus.Cancelled)], cancelled.Changes);
        Assert.Equal(NodeStatus.Ready, Assert.Single(afterC.Changes, c => c.NodeId == "d").Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_StatusThatIsNoEnd_Throws()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);

        await Assert.ThrowsAsync<ArgumentException>(() => ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Ready, null, null, [], T0), plan, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Running, null, null, [], T0), plan, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, "ghost", claim.Version, NodeStatus.Succeeded, null, null, [], T0), plan, CancellationToken.None));
    }
}
