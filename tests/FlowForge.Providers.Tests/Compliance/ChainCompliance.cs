using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Local chaining: a completion that claims one child it makes Ready, in its own transaction.</summary>
public abstract class ChainCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static readonly string[] BranchIds = ["b", "c"];

    [Fact]
    public async Task CompleteNodeAsync_ClaimChild_ClaimsTheReadyChildWithoutAMessageAndHandsItTheOutput()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        var at = T0.AddSeconds(3);

        var result = await ChainAsync(plan, trigger, """{"x":[1,2]}""", at);

        Assert.True(result.Applied);
        Assert.Empty(result.Messages);
        Assert.Equal([new NodeStateChange("trigger", NodeStatus.Succeeded)], result.Changes);
        var child = Assert.IsType<ClaimedNode>(result.ClaimedChild);
        Assert.Equal(("a", 2L, 1, Owner, false), (child.NodeId, child.Version, child.Attempt, child.OwnerId, child.RunStarted));
        Assert.Equal("""{"x":[1,2]}""", child.DependencyOutputs["trigger"]!.Value.GetRawText());
        Assert.Equal(at, child.DependencyFinishedAt["trigger"]);
        Assert.Equal([TestPlans.Main], child.DependencyPorts["trigger"]);
        var a = NodeOf(await GetRunAsync(creation.RunId), "a");
        Assert.Equal((NodeStatus.Running, 1), (a.Status, a.Attempt));
        Assert.DoesNotContain(await Store.ReadPendingAsync(100, CancellationToken.None), m => m.Message.RunId == creation.RunId && m.Message.NodeId == "a");

        // The message the child would have had, delivered anyway, claims nothing: the child runs once.
        Assert.Null(await TryClaimAsync(MessageFor(plan, creation.RunId, "a", 1), plan, at, Other));
        Assert.Null(await TryClaimAsync(MessageFor(plan, creation.RunId, "a", child.Version), plan, at, Other));
        var afterA = await SucceedAsync(plan, child, at: at);
        Assert.True(afterA.Applied);
        Assert.Equal(2, afterA.Messages.Count);
    }

    [Fact]
    public async Task CompleteNodeAsync_ClaimChildWithTwoChildrenReady_ClaimsOneAndQueuesTheOther()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan);

        var result = await ChainAsync(plan, a, """{"a":1}""", T0);

        var local = Assert.IsType<ClaimedNode>(result.ClaimedChild);
        var queued = Assert.Single(result.Messages).Message;
        Assert.Equal(BranchIds, new[] { local.NodeId, queued.NodeId }.Order());
        Assert.Contains(new NodeStateChange(queued.NodeId, NodeStatus.Ready), result.Changes);
        Assert.DoesNotContain(result.Changes, c => c.NodeId == local.NodeId);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Running, NodeOf(run, local.NodeId).Status);
        Assert.Equal(NodeStatus.Ready, NodeOf(run, queued.NodeId).Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_ClaimChildOfAJoin_HandsTheOtherParentsOutputReadInTheSameTransaction()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);

        var afterB = await ChainAsync(plan, b, """{"from":"b"}""", T0.AddSeconds(1));
        var afterC = await ChainAsync(plan, c, """{"from":"c"}""", T0.AddSeconds(2));

        Assert.Null(afterB.ClaimedChild);
        Assert.Empty(afterB.Messages);
        var d = Assert.IsType<ClaimedNode>(afterC.ClaimedChild);
        Assert.Equal("d", d.NodeId);
        Assert.Empty(afterC.Messages);
        Assert.Equal("""{"from":"b"}""", d.DependencyOutputs["b"]!.Value.GetRawText());
        Assert.Equal("""{"from":"c"}""", d.DependencyOutputs["c"]!.Value.GetRawText());
        Assert.Equal(T0.AddSeconds(1), d.DependencyFinishedAt["b"]);
        Assert.Equal(T0.AddSeconds(2), d.DependencyFinishedAt["c"]);
        var last = await SucceedAsync(plan, d, at: T0.AddSeconds(3));
        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
    }

    [Fact]
    public async Task CompleteNodeAsync_ClaimChildOnAFailure_ClaimsNothingAndFailsTheRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(trigger.RunId, trigger.NodeId, trigger.Version, NodeStatus.Failed, null, "boom", [], T0) { ClaimChild = new ChainClaim(Worker, T0 + Lease) },
            plan,
            CancellationToken.None);

        Assert.Null(result.ClaimedChild);
        Assert.Equal(RunStatus.Failed, result.RunFinished);
        Assert.Equal(NodeStatus.Cancelled, NodeOf(await GetRunAsync(creation.RunId), "a").Status);
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_WorkerStoppedAfterAChainedClaim_TheChildIsQueuedAgainAndItsOldClaimIsStale()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        var trigger = await ClaimAsync(creation.Messages[0], plan, T0, Worker);
        var chained = (await ChainAsync(plan, trigger, """{"x":1}""", T0)).ClaimedChild!;
        var now = T0.AddSeconds(10);
        await Store.HeartbeatAsync(Other, now, now + Lease, CancellationToken.None);

        var takeover = await Store.TakeOverSilentWorkersAsync(now - TimeSpan.FromSeconds(5), now, CancellationToken.None);

        var message = Assert.Single(takeover.Messages).Message;
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, creation.RunId, "a", chained.Version + 1, plan.FlowId, plan.Version), message);
        var rerun = await ClaimAsync(message, plan, now, Other);
        Assert.Equal((2, 1), (rerun.Attempt, rerun.Interruptions));
        Assert.Equal("""{"x":1}""", rerun.DependencyOutputs["trigger"]!.Value.GetRawText());
        Assert.False((await SucceedAsync(plan, chained, at: now)).Applied);
        Assert.True((await SucceedAsync(plan, rerun, at: now)).Applied);
        Assert.Equal(NodeStatus.Succeeded, NodeOf(await GetRunAsync(creation.RunId), "trigger").Status);
    }

    [Fact]
    public async Task CreateRunAsync_TriggerOutputGiven_WritesTheRunWithTheTriggerSucceededAndItsChildReady()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        var creation = await ((IRunStore)Store).CreateRunAsync(
            new NewRun(runId, Owner, plan.FlowId, plan.Version, """{"in":1}""", null, T0) { TriggerOutputJson = """{"in":1}""", TriggerAttemptInput = """{"in":1}""" },
            plan,
            CancellationToken.None);

        Assert.True(creation.Created);
        Assert.True(creation.TriggerCompleted);
        Assert.Equal(RunStatus.Pending, creation.Status);
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, runId, "a", 1, plan.FlowId, 1), Assert.Single(creation.Messages).Message);
        Assert.Equal([new NodeStateChange("trigger", NodeStatus.Succeeded), new NodeStateChange("a", NodeStatus.Ready)], creation.TriggerChanges);
        var run = await GetRunAsync(runId);
        Assert.Equal(RunStatus.Running, run.Status);
        var trigger = NodeOf(run, "trigger");
        Assert.Equal((NodeStatus.Succeeded, 1, """{"in":1}"""), (trigger.Status, trigger.Attempt, trigger.OutputJson));
        Assert.Equal("""{"in":1}""", Assert.Single(trigger.Attempts).InputJson);
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "a").Status);

        var a = await ClaimAsync(creation.Messages[0], plan);
        Assert.Equal("""{"in":1}""", a.DependencyOutputs["trigger"]!.Value.GetRawText());
    }

    [Fact]
    public async Task CreateRunAsync_ClaimChild_WritesTheTriggersFirstChildRunningForTheWorkerWithoutAMessage()
    {
        var plan = TestPlans.SeveralTriggers(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        var creation = await ((IRunStore)Store).CreateRunAsync(StartingAtWebhook(plan, runId, Worker), plan, CancellationToken.None);

        Assert.True(creation.TriggerCompleted);
        var child = Assert.IsType<ClaimedNode>(creation.ClaimedChild);
        var queued = Assert.Single(creation.Messages).Message;
        Assert.Equal(["onlyWebhook", "shared"], new[] { child.NodeId, queued.NodeId }.Order());
        Assert.Equal((1, Owner, false), (child.Attempt, child.OwnerId, child.RunStarted));
        Assert.Equal("""{"in":1}""", child.DependencyOutputs["webhook"]!.Value.GetRawText());
        Assert.Equal(T0, child.DependencyFinishedAt["webhook"]);
        Assert.DoesNotContain(creation.TriggerChanges, c => c.NodeId == child.NodeId);
        Assert.Contains(new NodeStateChange(queued.NodeId, NodeStatus.Ready), creation.TriggerChanges);
        var run = await GetRunAsync(runId);
        Assert.Equal((NodeStatus.Running, 1), (NodeOf(run, child.NodeId).Status, NodeOf(run, child.NodeId).Attempt));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, queued.NodeId).Status);
        Assert.DoesNotContain(await Store.ReadPendingAsync(100, CancellationToken.None), m => m.Message.RunId == runId && m.Message.NodeId == child.NodeId);

        // The message the child would have had claims nothing: the child runs once, from the claim made at the start.
        Assert.Null(await TryClaimAsync(MessageFor(plan, runId, child.NodeId, 1), plan, T0, Other));
        Assert.True((await SucceedAsync(plan, child, at: T0.AddSeconds(1))).Applied);
    }

    [Fact]
    public async Task CreateRunAsync_ClaimChildWithTheKeyAlreadyUsed_ClaimsNothing()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var first = await ((IRunStore)Store).CreateRunAsync(StartingAt(plan, Guid.CreateVersion7(), "once", Worker), plan, CancellationToken.None);

        var second = await ((IRunStore)Store).CreateRunAsync(StartingAt(plan, Guid.CreateVersion7(), "once", Other), plan, CancellationToken.None);

        Assert.NotNull(first.ClaimedChild);
        Assert.False(second.Created);
        Assert.Null(second.ClaimedChild);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Equal(1, NodeOf(await GetRunAsync(first.RunId), "a").Attempt);
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_WorkerStoppedAfterItsRunsStartClaimedAChild_TheChildIsQueuedAgainAndItsOldClaimIsStale()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        var creation = await ((IRunStore)Store).CreateRunAsync(StartingAt(plan, Guid.CreateVersion7(), null, Worker), plan, CancellationToken.None);
        var claimed = Assert.IsType<ClaimedNode>(creation.ClaimedChild);
        Assert.Empty(creation.Messages);
        var now = T0.AddSeconds(10);
        await Store.HeartbeatAsync(Other, now, now + Lease, CancellationToken.None);

        var takeover = await Store.TakeOverSilentWorkersAsync(now - TimeSpan.FromSeconds(5), now, CancellationToken.None);

        var message = Assert.Single(takeover.Messages).Message;
        Assert.Equal(new WorkMessage(WorkKind.ExecuteNode, creation.RunId, "a", claimed.Version + 1, plan.FlowId, plan.Version), message);
        var rerun = await ClaimAsync(message, plan, now, Other);
        Assert.Equal((2, 1), (rerun.Attempt, rerun.Interruptions));
        Assert.Equal("""{"in":1}""", rerun.DependencyOutputs["trigger"]!.Value.GetRawText());
        Assert.False((await SucceedAsync(plan, claimed, at: now)).Applied);
        Assert.True((await SucceedAsync(plan, rerun, at: now)).Applied);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, "trigger").Status, NodeOf(run, "trigger").Attempt));
        Assert.Equal((NodeStatus.Succeeded, 2), (NodeOf(run, "a").Status, NodeOf(run, "a").Attempt));
    }

    [Fact]
    public async Task CreateRunAsync_StartRegion_WritesTheRunWithItsPureNodesFinalInOneOperation()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        var creation = await ((IRunStore)Store).CreateRunAsync(
            StartingAt(plan, runId, null, Worker) with { ClaimChild = null, StartRegion = RanBeforeTheWrite(runId, "a", "b", "c", "d") }, plan, CancellationToken.None);

        Assert.True(creation.TriggerCompleted);
        Assert.Equal(RunStatus.Succeeded, creation.RunFinished);
        Assert.Null(creation.ClaimedChild);
        Assert.Empty(creation.Messages);
        Assert.Equal(["trigger", "a", "b", "c", "d"], creation.TriggerChanges.Select(c => c.NodeId));
        Assert.All(creation.TriggerChanges, c => Assert.Equal(NodeStatus.Succeeded, c.Status));
        var run = await GetRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(["trigger", "a", "b", "c", "d"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
        Assert.All(["a", "b", "c", "d"], id => Assert.Equal($$"""{"{{id}}":1}""", NodeOf(run, id).OutputJson));
        Assert.All(["a", "b", "c", "d"], id => Assert.Equal("""{"in":1}""", Assert.Single(NodeOf(run, id).Attempts).InputJson));
        Assert.DoesNotContain(await Store.ReadPendingAsync(100, CancellationToken.None), m => m.Message.RunId == runId);
    }

    [Fact]
    public async Task CreateRunAsync_StartRegionEndingBeforeAJoin_QueuesTheOtherBranchAndClaimsTheNodeNamed()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        // a and b ran; c did not simply succeed (it failed or waits), so it is claimed by name to run again from its claim.
        var creation = await ((IRunStore)Store).CreateRunAsync(
            StartingAt(plan, runId, null, Worker) with { ClaimChild = new ChainClaim(Worker, T0 + Lease) { NodeId = "c" }, StartRegion = RanBeforeTheWrite(runId, "a", "b") },
            plan,
            CancellationToken.None);

        Assert.Null(creation.RunFinished);
        Assert.Empty(creation.Messages);
        var c = Assert.IsType<ClaimedNode>(creation.ClaimedChild);
        Assert.Equal(("c", 1), (c.NodeId, c.Attempt));
        Assert.Equal("""{"a":1}""", c.DependencyOutputs["a"]!.Value.GetRawText());
        var run = await GetRunAsync(runId);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.All(["a", "b"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
        Assert.Equal((NodeStatus.Running, 1), (NodeOf(run, "c").Status, NodeOf(run, "c").Attempt));
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "d").Status);
        Assert.True((await SucceedAsync(plan, c, at: T0.AddSeconds(1))).Applied);
    }

    [Fact]
    public async Task CreateRunAsync_StartRegionStoppedByTheLimit_TheNodesItMadeReadyGetTheirMessages()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var runId = Guid.CreateVersion7();

        // check fired "true": no and afterNo are skipped by the store, afterYes is made Ready for a worker.
        var start = RanBeforeTheWrite(runId, "check", "yes");
        start[0] = start[0] with { FiredPorts = ["true"] };
        var creation = await ((IRunStore)Store).CreateRunAsync(StartingAt(plan, runId, null, Worker) with { ClaimChild = null, StartRegion = start }, plan, CancellationToken.None);

        Assert.Equal("afterYes", Assert.Single(creation.Messages).Message.NodeId);
        var run = await GetRunAsync(runId);
        Assert.All(["check", "yes"], id => Assert.Equal(NodeStatus.Succeeded, NodeOf(run, id).Status));
        Assert.All(["no", "afterNo"], id => Assert.Equal(NodeStatus.Skipped, NodeOf(run, id).Status));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "afterYes").Status);
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "merge").Status);
    }

    // Completions of pure nodes run in memory before the run's write, in that order, each with the output {"<id>":1}.
    private static NodeCompletion[] RanBeforeTheWrite(Guid runId, params string[] nodeIds) =>
        [.. nodeIds.Select(id => new NodeCompletion(runId, id, 0, NodeStatus.Succeeded, $$"""{"{{id}}":1}""", null, [TestPlans.Main], T0)
        {
            Attempt = 1,
            AttemptStartedAt = T0,
            InputJson = """{"in":1}""",
            ClaimChild = new ChainClaim(Worker, T0 + Lease),
        })];

    // A start whose trigger passes the run input on, claiming its first child for the worker.
    private NewRun StartingAt(ExecutionPlan plan, Guid runId, string? idempotencyKey, Guid workerId) =>
        new NewRun(runId, Owner, plan.FlowId, plan.Version, """{"in":1}""", idempotencyKey, T0)
        {
            TriggerOutputJson = """{"in":1}""",
            TriggerAttemptInput = """{"in":1}""",
            ClaimChild = new ChainClaim(workerId, T0 + Lease),
        };

    private NewRun StartingAtWebhook(ExecutionPlan plan, Guid runId, Guid workerId) =>
        StartingAt(plan, runId, null, workerId) with { TriggerNodeId = "webhook" };

    [Fact]
    public async Task CompleteNodeAsync_Preceding_WritesThePureChainInOneOperationEachNodeClaimedByTheOneBefore()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        var check = await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);
        var at = T0.AddSeconds(3);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            InChain(check, "afterYes", """{"n":3}""", [TestPlans.Main], at, claimsNext: false) with
            {
                Preceding = [InChain(check, "check", """{"n":1}""", ["true"], at, claimsNext: true) with { Version = check.Version, Attempt = check.Attempt },
                    InChain(check, "yes", """{"n":2}""", [TestPlans.Main], at, claimsNext: true)],
            },
            plan,
            CancellationToken.None);

        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        Assert.Null(result.ClaimedChild);
        Assert.Equal("merge", Assert.Single(result.Messages).Message.NodeId);
        var run = await GetRunAsync(check.RunId);
        Assert.All(["check", "yes", "afterYes"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
        Assert.Equal("""{"n":2}""", NodeOf(run, "yes").OutputJson);
        Assert.All(["no", "afterNo"], id => Assert.Equal(NodeStatus.Skipped, NodeOf(run, id).Status));
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "merge").Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_PrecedingInARunCancelledMeanwhile_WritesTheFirstAndStopsTheChain()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        var check = await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);
        await ((IRunStore)Store).CancelRunAsync(check.RunId, null, T0.AddSeconds(1), CancellationToken.None);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            InChain(check, "yes", """{"n":2}""", [TestPlans.Main], T0.AddSeconds(2), claimsNext: true) with
            {
                Preceding = [InChain(check, "check", """{"n":1}""", ["true"], T0.AddSeconds(2), claimsNext: true) with { Version = check.Version, Attempt = check.Attempt }],
            },
            plan,
            CancellationToken.None);

        Assert.True(result.Applied);
        Assert.True(result.ChainBroken);
        Assert.Null(result.ClaimedChild);
        var run = await GetRunAsync(check.RunId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(NodeStatus.Succeeded, NodeOf(run, "check").Status);
        Assert.Equal((NodeStatus.Cancelled, 0), (NodeOf(run, "yes").Status, NodeOf(run, "yes").Attempt));
    }

    [Fact]
    public async Task CompleteNodeAsync_PrecedingWithAStaleFirstClaim_WritesNothing()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var trigger = await ClaimAsync(creation.Messages[0], plan);
        var check = await ClaimAsync(Assert.Single((await SucceedAsync(plan, trigger)).Messages), plan);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            InChain(check, "yes", """{"n":2}""", [TestPlans.Main], T0, claimsNext: true) with
            {
                Preceding = [InChain(check, "check", """{"n":1}""", ["true"], T0, claimsNext: true) with { Version = check.Version - 1, Attempt = check.Attempt }],
            },
            plan,
            CancellationToken.None);

        Assert.False(result.Applied);
        var run = await GetRunAsync(check.RunId);
        Assert.Equal(NodeStatus.Running, NodeOf(run, "check").Status);
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "yes").Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_PrecedingAsARegion_WritesTheFanOutAndTheJoinInOneOperation()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);
        var at = T0.AddSeconds(3);

        var result = await RegionAsync(plan, a, at);

        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        Assert.Null(result.ClaimedChild);
        Assert.Empty(result.Messages);
        Assert.Equal(RunStatus.Succeeded, result.RunFinished);
        var run = await GetRunAsync(a.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(["a", "b", "c", "d"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
        Assert.All(["a", "b", "c", "d"], id => Assert.Single(NodeOf(run, id).Attempts));
        Assert.Equal("""{"c":1}""", NodeOf(run, "c").OutputJson);
        Assert.DoesNotContain(await Store.ReadPendingAsync(100, CancellationToken.None), m => m.Message.RunId == a.RunId && m.Message.NodeId != "a" && m.Message.NodeId != "trigger");
    }

    [Fact]
    public async Task CompleteNodeAsync_RegionWithAJoinBeforeItsLastParent_StopsThereAndQueuesTheNodesItMadeReady()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);

        var result = await RegionAsync(plan, a, T0, "b", "d", "c");

        Assert.True(result.Applied);
        Assert.True(result.ChainBroken);
        Assert.Null(result.ClaimedChild);
        Assert.Equal("c", Assert.Single(result.Messages).Message.NodeId);
        Assert.Contains(new NodeStateChange("c", NodeStatus.Ready), result.Changes);
        var run = await GetRunAsync(a.RunId);
        Assert.All(["a", "b"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
        Assert.Equal((NodeStatus.Ready, 0), (NodeOf(run, "c").Status, NodeOf(run, "c").Attempt));
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "d").Status);
        Assert.Equal(RunStatus.Running, run.Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_RegionWhoseJoinNoEdgeReaches_WritesEachNodeOnceAndSkipsTheJoin()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);
        var at = T0.AddSeconds(3);

        // b and c fire no port, so d is skipped rather than run: the set-based write's check (in SQL where the write goes
        // with its read) fails on d's row, writes nothing, and the region is written one completion after another.
        var result = await ((IRunStore)Store).CompleteNodeAsync(
            InChain(a, "d", """{"d":1}""", [TestPlans.Main], at, claimsNext: false) with
            {
                Preceding =
                [
                    InChain(a, "a", """{"a":1}""", [TestPlans.Main], at, claimsNext: true) with { Version = a.Version, Attempt = a.Attempt },
                    InChain(a, "b", """{"b":1}""", [], at, claimsNext: true),
                    InChain(a, "c", """{"c":1}""", [], at, claimsNext: true),
                ],
            },
            plan,
            CancellationToken.None);

        Assert.True(result.Applied);
        Assert.True(result.ChainBroken);
        var run = await GetRunAsync(a.RunId);
        Assert.All(["a", "b", "c"], id =>
        {
            Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt));
            Assert.Single(NodeOf(run, id).Attempts);
        });
        Assert.Equal("""{"b":1}""", NodeOf(run, "b").OutputJson);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "d").Status);
        Assert.Empty(NodeOf(run, "d").Attempts);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_RegionNamingTheNodeToClaim_ClaimsItThoughAnEarlierCompletionMadeItReady()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var a = await ClaimAsync(MessageTo(await RunNodeAsync(plan, creation.Messages[0]), "a"), plan);
        var at = T0.AddSeconds(2);

        var result = await ((IRunStore)Store).CompleteNodeAsync(
            InChain(a, "b", """{"b":1}""", [TestPlans.Main], at, claimsNext: false) with
            {
                Preceding = [InChain(a, "a", """{"a":1}""", [TestPlans.Main], at, claimsNext: true) with { Version = a.Version, Attempt = a.Attempt }],
                ClaimChild = new ChainClaim(Worker, at + Lease) { NodeId = "c" },
            },
            plan,
            CancellationToken.None);

        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        Assert.Empty(result.Messages);
        var c = Assert.IsType<ClaimedNode>(result.ClaimedChild);
        Assert.Equal(("c", 1), (c.NodeId, c.Attempt));
        Assert.Equal("""{"a":1}""", c.DependencyOutputs["a"]!.Value.GetRawText());
        var run = await GetRunAsync(a.RunId);
        Assert.Equal((NodeStatus.Running, 1), (NodeOf(run, "c").Status, NodeOf(run, "c").Attempt));
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "d").Status);
        Assert.Null(await TryClaimAsync(MessageFor(plan, a.RunId, "c", c.Version - 1), plan, at, Other));
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_WorkerStoppedMidRegion_TheFirstNodeRunsAgainAndTheOldRegionWriteIsStale()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await Store.HeartbeatAsync(Worker, T0, T0 + Lease, CancellationToken.None);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var a = await ClaimAsync(MessageTo(toA, "a"), plan, T0, Worker);
        var now = T0.AddSeconds(10);
        await Store.HeartbeatAsync(Other, now, now + Lease, CancellationToken.None);

        // The worker ran a, b and c in memory and stopped before writing them: only a's claim was committed.
        var takeover = await Store.TakeOverSilentWorkersAsync(now - TimeSpan.FromSeconds(5), now, CancellationToken.None);

        var message = Assert.Single(takeover.Messages).Message;
        Assert.Equal("a", message.NodeId);
        var rerun = await ClaimAsync(message, plan, now, Other);
        Assert.Equal((2, 1), (rerun.Attempt, rerun.Interruptions));
        var during = await GetRunAsync(a.RunId);
        Assert.All(["b", "c", "d"], id => Assert.Equal(NodeStatus.Pending, NodeOf(during, id).Status));
        Assert.False((await RegionAsync(plan, a, now)).Applied);
        var result = await RegionAsync(plan, rerun, now);
        Assert.True(result.Applied);
        Assert.False(result.ChainBroken);
        var run = await GetRunAsync(a.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal((NodeStatus.Succeeded, 2), (NodeOf(run, "a").Status, NodeOf(run, "a").Attempt));
        Assert.All(["b", "c", "d"], id => Assert.Equal((NodeStatus.Succeeded, 1), (NodeOf(run, id).Status, NodeOf(run, id).Attempt)));
    }

    // The diamond's nodes after a, written as one region from a's claim in the order given (the last one as the write's
    // own completion), each with the output {"<id>":1}: a → {b, c} → d unless told otherwise.
    private Task<CompletionResult> RegionAsync(ExecutionPlan plan, ClaimedNode a, DateTimeOffset at, params string[] after)
    {
        string[] order = after.Length == 0 ? ["b", "c", "d"] : after;
        NodeCompletion Step(string id, bool claimsNext) => InChain(a, id, $$"""{"{{id}}":1}""", [TestPlans.Main], at, claimsNext);
        return ((IRunStore)Store).CompleteNodeAsync(
            Step(order[^1], claimsNext: false) with
            {
                Preceding = [Step("a", claimsNext: true) with { Version = a.Version, Attempt = a.Attempt }, .. order[..^1].Select(id => Step(id, claimsNext: true))],
            },
            plan,
            CancellationToken.None);
    }

    // A completion of a node run in a pure chain: its version is the claim's the node before makes, written with it.
    private static NodeCompletion InChain(ClaimedNode first, string nodeId, string output, string[] ports, DateTimeOffset at, bool claimsNext) =>
        new NodeCompletion(first.RunId, nodeId, 0, NodeStatus.Succeeded, output, null, ports, at)
        {
            Attempt = 1,
            AttemptStartedAt = at,
            ClaimChild = claimsNext ? new ChainClaim(Worker, at + Lease) : null,
        };

    private Task<CompletionResult> ChainAsync(ExecutionPlan plan, ClaimedNode claim, string output, DateTimeOffset at) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Succeeded, output, null, [TestPlans.Main], at) { ClaimChild = new ChainClaim(Worker, at + Lease) },
            plan,
            CancellationToken.None);
}
