using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>
/// Child runs: linked to the node that started them, created once per item, waking that node in the transaction that ends
/// them, cancelled and deleted with their parent. Run on a sharded store, a child the store put on another shard than its
/// parent would find no node to wake.
/// </summary>
public abstract class ChildRunCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    /// <summary>A flow of one trigger: its run ends when the trigger does.</summary>
    private static ExecutionPlan OneNode(Guid flowId) => new(flowId, 1, [new PlanNode("trigger", "core.manualTrigger", null, true, [], [], [])]);

    private IChildRunStore Children => Store;

    private Task<RunCreation> CreateChildAsync(ExecutionPlan plan, Guid parentRunId, string parentNodeId, int index, int parentAttempt = 1) =>
        ((IRunStore)Store).CreateRunAsync(
            new NewRun(ChildRunIds.For(parentRunId, parentNodeId, index), Owner, plan.FlowId, plan.Version, $$"""{"index":{{index}}}""", null, T0)
            {
                Parent = new ChildRunLink(parentRunId, parentNodeId, index, parentAttempt, 1),
            },
            plan,
            CancellationToken.None);

    private Task<CompletionResult> ParkOnChildrenAsync(ExecutionPlan plan, ClaimedNode claim, int open) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Running, null, null, [], T0) { WaitForChildren = open },
            plan,
            CancellationToken.None);

    /// <summary>The parent run with node "a" executing (claimed), as a node that starts children is.</summary>
    private async Task<(ExecutionPlan Plan, Guid RunId, ClaimedNode A)> ParentWithAExecutingAsync()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        return (plan, creation.RunId, await ClaimAsync(MessageTo(toA, "a"), plan));
    }

    [Fact]
    public async Task CreateRunAsync_SameItemTwice_WritesOneChildLinkedToItsParent()
    {
        var (_, parentRunId, _) = await ParentWithAExecutingAsync();
        var child = OneNode(Guid.NewGuid());

        var first = await CreateChildAsync(child, parentRunId, "a", 3);
        var second = await CreateChildAsync(child, parentRunId, "a", 3);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.RunId, second.RunId);
        Assert.Empty(second.Messages);
        var record = Assert.Single(await Children.ListChildRunsAsync(parentRunId, "a", false, CancellationToken.None));
        Assert.Equal((3, first.RunId, RunStatus.Pending, 1), (record.ItemIndex, record.RunId, record.Status, record.ParentAttempt));
        var run = await GetRunAsync(first.RunId);
        Assert.Equal((parentRunId, "a", 3, 1, Owner), (run.ParentRunId, run.ParentNodeId, run.ItemIndex, run.Depth, run.OwnerId));
        Assert.Null((await GetRunAsync(parentRunId)).ParentRunId);
    }

    [Fact]
    public async Task CompleteNodeAsync_ChildRunEnds_MakesTheWaitingNodeDueWithItsMessage()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var child = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        var parked = await ParkOnChildrenAsync(plan, a, open: 1);
        Assert.True(parked.Applied);
        Assert.Empty(parked.Messages);
        Assert.Null(NodeOf(await GetRunAsync(parentRunId), "a").WaitUntil);

        var trigger = await ClaimAsync(child.Messages[0], childPlan);
        var ended = await SucceedAsync(childPlan, trigger, """{"done":1}""");

        Assert.Equal(RunStatus.Succeeded, ended.RunFinished);
        var wake = MessageTo(ended, "a");
        Assert.Equal((WorkKind.ExecuteNode, parentRunId, plan.FlowId), (wake.Message.Kind, wake.Message.RunId, wake.Message.FlowId));
        Assert.Contains(wake, await Store.ReadPendingAsync(100, CancellationToken.None));
        var again = await ClaimAsync(wake, plan);
        Assert.Equal(a.Attempt, again.Attempt);
        var record = Assert.Single(await Children.ListChildRunsAsync(parentRunId, "a", true, CancellationToken.None));
        Assert.Equal((RunStatus.Succeeded, """{"done":1}"""), (record.Status, record.OutputJson));
    }

    [Fact]
    public async Task CompleteNodeAsync_ParkAfterAChildEndedMeanwhile_MakesTheNodeDueAtOnce()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var child = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        var ended = await SucceedAsync(childPlan, await ClaimAsync(child.Messages[0], childPlan));
        Assert.Empty(ended.Messages);

        var parked = await ParkOnChildrenAsync(plan, a, open: 1);

        var wake = MessageTo(parked, "a");
        Assert.NotNull(await TryClaimAsync(wake.Message, plan));
    }

    [Fact]
    public async Task CompleteNodeAsync_ChildRunFails_WakesTheNodeAndKeepsTheChildsError()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var child = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        await ParkOnChildrenAsync(plan, a, open: 1);

        var failed = await FailAsync(childPlan, await ClaimAsync(child.Messages[0], childPlan), "bad item");

        Assert.Equal(RunStatus.Failed, failed.RunFinished);
        MessageTo(failed, "a");
        var record = Assert.Single(await Children.ListChildRunsAsync(parentRunId, "a", true, CancellationToken.None));
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Contains("bad item", record.Error, StringComparison.Ordinal);
        Assert.Null(record.OutputJson);
    }

    [Fact]
    public async Task CancelRunAsync_ParentWaitingForChildren_CancelsOpenChildrenInTheSameTransaction()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var open = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        var done = await CreateChildAsync(childPlan, parentRunId, "a", 1);
        await SucceedAsync(childPlan, await ClaimAsync(done.Messages[0], childPlan));
        await ParkOnChildrenAsync(plan, a, open: 1);

        var result = await ((IRunStore)Store).CancelRunAsync(parentRunId, Owner, T0, CancellationToken.None);

        Assert.Equal([open.RunId], result!.CancelledChildRuns);
        Assert.Equal(RunStatus.Cancelled, (await GetRunAsync(open.RunId)).Status);
        Assert.Equal(NodeStatus.Cancelled, NodeOf(await GetRunAsync(open.RunId), "trigger").Status);
        Assert.Equal(RunStatus.Succeeded, (await GetRunAsync(done.RunId)).Status);
        Assert.Equal(NodeStatus.Cancelled, NodeOf(await GetRunAsync(parentRunId), "a").Status);
    }

    [Fact]
    public async Task DeleteRunAsync_ChildRefusedAndParentTakesItsChildren()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var child = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        await SucceedAsync(childPlan, await ClaimAsync(child.Messages[0], childPlan));
        await FailAsync(plan, a, "stop");

        Assert.Equal(RunDeletion.ChildRun, await ((IRunStore)Store).DeleteRunAsync(child.RunId, Owner, CancellationToken.None));
        Assert.Equal([child.RunId], await Children.ListDescendantRunIdsAsync(parentRunId, CancellationToken.None));
        Assert.Equal(RunDeletion.Deleted, await ((IRunStore)Store).DeleteRunAsync(parentRunId, Owner, CancellationToken.None));

        Assert.Null(await ((IRunQueries)Store).GetRunAsync(child.RunId, null, CancellationToken.None));
    }

    [Fact]
    public async Task RestartChildRunAsync_FailedChild_ReopensItRecordingTheNodeAttempt()
    {
        var (plan, parentRunId, a) = await ParentWithAExecutingAsync();
        var childPlan = OneNode(Guid.NewGuid());
        var child = await CreateChildAsync(childPlan, parentRunId, "a", 0);
        await ParkOnChildrenAsync(plan, a, open: 1);
        await FailAsync(childPlan, await ClaimAsync(child.Messages[0], childPlan), "once");

        var result = await Children.RestartChildRunAsync(child.RunId, parentAttempt: 2, childPlan, T0, CancellationToken.None);

        Assert.Equal(ReopenOutcome.Reopened, result!.Outcome);
        var trigger = Assert.Single(result.Messages);
        var record = Assert.Single(await Children.ListChildRunsAsync(parentRunId, "a", false, CancellationToken.None));
        Assert.Equal((RunStatus.Running, 2), (record.Status, record.ParentAttempt));
        var ended = await SucceedAsync(childPlan, await ClaimAsync(trigger, childPlan));
        Assert.Equal(RunStatus.Succeeded, ended.RunFinished);
    }

    [Fact]
    public async Task ListChildrenPageAsync_AnotherOwner_IsNull()
    {
        var (_, parentRunId, _) = await ParentWithAExecutingAsync();
        var child = await CreateChildAsync(OneNode(Guid.NewGuid()), parentRunId, "a", 0);

        var page = await Children.ListChildrenPageAsync(parentRunId, Owner, new PageRequest(10, null), CancellationToken.None);
        var foreign = await Children.ListChildrenPageAsync(parentRunId, Guid.NewGuid(), new PageRequest(10, null), CancellationToken.None);

        Assert.Equal([(child.RunId, "a", 0)], page!.Items.Select(r => (r.Id, r.ParentNodeId!, r.ItemIndex!.Value)));
        Assert.Null(foreign);
    }
}
