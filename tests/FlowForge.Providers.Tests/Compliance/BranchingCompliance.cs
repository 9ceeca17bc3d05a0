using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>
/// The branching rules every store keeps: a node runs once all its parents are final and at least one edge into it was
/// taken, and is Skipped when none was; skips propagate; a run starts at one trigger and skips the others.
/// </summary>
public abstract class BranchingCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task CreateRunAsync_NamedTrigger_SkipsOtherTriggersAndWhatOnlyTheyReach()
    {
        var plan = TestPlans.SeveralTriggers(Guid.NewGuid());

        var creation = await CreateRunAtAsync(plan, "webhook");

        var start = Assert.Single(creation.Messages);
        Assert.Equal(new WorkMessage(WorkKind.StartFlow, creation.RunId, "webhook", 1, plan.FlowId, 1), start.Message);
        Assert.Equal(
            ["manual:Skipped", "nightly:Skipped", "onlyNightly:Skipped", "prepare:Skipped"],
            creation.Changes.Select(c => $"{c.NodeId}:{c.Status}").Order(StringComparer.Ordinal));
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Equal(T0, NodeOf(run, "manual").FinishedAt);
        Assert.Equal(NodeStatus.Ready, NodeOf(run, "webhook").Status);
        Assert.Equal(NodeStatus.Pending, NodeOf(run, "shared").Status);
        Assert.Equal([start], await Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task CompleteNodeAsync_RunStartedAtOneOfSeveralTriggers_RunsSharedNodesAndSucceeds()
    {
        var plan = TestPlans.SeveralTriggers(Guid.NewGuid());
        var creation = await CreateRunAtAsync(plan, "webhook");

        var fromWebhook = await RunNodeAsync(plan, creation.Messages[0]);
        var fromOnly = await RunNodeAsync(plan, MessageTo(fromWebhook, "onlyWebhook"));
        await RunNodeAsync(plan, MessageTo(fromOnly, "afterWebhook"));
        var fromShared = await RunNodeAsync(plan, MessageTo(fromWebhook, "shared"));
        var last = await RunNodeAsync(plan, MessageTo(fromShared, "done"));

        Assert.Equal(RunStatus.Succeeded, last.RunFinished);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(
            ["afterWebhook:Succeeded", "done:Succeeded", "manual:Skipped", "nightly:Skipped", "onlyNightly:Skipped", "onlyWebhook:Succeeded", "prepare:Skipped", "shared:Succeeded", "webhook:Succeeded"],
            run.Nodes.Select(n => $"{n.NodeId}:{n.Status}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateRunAsync_DefaultTriggerOfSeveral_StartsAtTheFirstOnlyWhenNamed()
    {
        var plan = TestPlans.SeveralTriggers(Guid.NewGuid());

        await Assert.ThrowsAsync<ArgumentException>(() => CreateRunAsync(plan));
        await Assert.ThrowsAsync<ArgumentException>(() => CreateRunAtAsync(plan, "prepare"));
        var atManual = await CreateRunAtAsync(plan, "manual");

        Assert.Equal("manual", Assert.Single(atManual.Messages).Message.NodeId);
        Assert.Equal(
            ["afterWebhook:Skipped", "nightly:Skipped", "onlyNightly:Skipped", "onlyWebhook:Skipped", "webhook:Skipped"],
            atManual.Changes.Select(c => $"{c.NodeId}:{c.Status}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CompleteNodeAsync_OneJoinEdgeTakenOtherParentSkippedTwoLevelsUp_RunsTheJoin()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toCheck = await RunNodeAsync(plan, creation.Messages[0]);
        var branched = await RunNodeAsync(plan, MessageTo(toCheck, "check"), ports: ["false"]);

        Assert.Equal(NodeStatus.Skipped, Assert.Single(branched.Changes, c => c.NodeId == "afterYes").Status);
        var toAfterNo = await RunNodeAsync(plan, MessageTo(branched, "no"));
        var toMerge = await RunNodeAsync(plan, MessageTo(toAfterNo, "afterNo"));

        Assert.Equal(NodeStatus.Ready, Assert.Single(toMerge.Changes, c => c.NodeId == "merge").Status);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "yes").Status);
        Assert.Equal(NodeStatus.Skipped, NodeOf(run, "afterYes").Status);
    }

    [Fact]
    public async Task CompleteNodeAsync_NoEdgeIntoJoinTaken_SkipsTheJoinAndSucceedsTheRun()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);

        var result = await RunNodeAsync(plan, MessageTo(toA, "a"), ports: []);

        Assert.Equal(["b:Skipped", "c:Skipped", "d:Skipped"], result.Changes.Where(c => c.NodeId != "a").Select(c => $"{c.NodeId}:{c.Status}").Order(StringComparer.Ordinal));
        Assert.Equal(RunStatus.Succeeded, result.RunFinished);
    }

    [Fact]
    public async Task TryClaimAsync_Join_ReadsWhenEachParentThatRanFinished()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var c = await ClaimAsync(MessageTo(toBc, "c"), plan);
        await SucceedAsync(plan, c, output: null, at: T0.AddSeconds(1));
        var toD = await SucceedAsync(plan, b, at: T0.AddSeconds(2));

        var d = await ClaimAsync(MessageTo(toD, "d"), plan);

        Assert.Equal(T0.AddSeconds(2), d.DependencyFinishedAt["b"]);
        Assert.Equal(T0.AddSeconds(1), d.DependencyFinishedAt["c"]);
        Assert.True(d.DependencyOutputs.ContainsKey("c"));
        Assert.Null(d.DependencyOutputs["c"]);
    }

    [Fact]
    public async Task TryClaimAsync_JoinWithSkippedParent_HasNoFinishTimeForIt()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toCheck = await RunNodeAsync(plan, creation.Messages[0]);
        var branched = await RunNodeAsync(plan, MessageTo(toCheck, "check"), ports: ["true"]);
        var toAfterYes = await RunNodeAsync(plan, MessageTo(branched, "yes"));
        var toMerge = await RunNodeAsync(plan, MessageTo(toAfterYes, "afterYes"));

        var merge = await ClaimAsync(MessageTo(toMerge, "merge"), plan);

        Assert.Equal(["afterYes"], merge.DependencyFinishedAt.Keys);
        Assert.Equal(["afterYes"], merge.DependencyOutputs.Keys);
    }

    [Fact]
    public async Task TryClaimAsync_Child_ReadsThePortsEachParentFired()
    {
        var plan = TestPlans.TwoEdgesToOneChild(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toRoute = await RunNodeAsync(plan, creation.Messages[0]);
        var toTarget = await RunNodeAsync(plan, MessageTo(toRoute, "route"), ports: ["b"]);

        var target = await ClaimAsync(MessageTo(toTarget, "target"), plan);

        Assert.Equal(["b"], target.DependencyPorts["route"]);
    }

    private Task<RunCreation> CreateRunAtAsync(ExecutionPlan plan, string trigger) =>
        ((IRunStore)Store).CreateRunAsync(
            new NewRun(Guid.CreateVersion7(), Owner, plan.FlowId, plan.Version, "{}", null, T0) { TriggerNodeId = trigger },
            plan,
            CancellationToken.None);
}
