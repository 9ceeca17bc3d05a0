using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class CancellationCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task CancelRunAsync_RunningRun_CancelsRunAndNodesNotExecuting()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var toA = await RunNodeAsync(plan, creation.Messages[0]);
        var toBc = await RunNodeAsync(plan, MessageTo(toA, "a"));
        var b = await ClaimAsync(MessageTo(toBc, "b"), plan);
        var at = T0.AddSeconds(30);

        var result = await Store.CancelRunAsync(creation.RunId, Owner, at, CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.True(result.Changed);
        Assert.Equal([new NodeStateChange("c", NodeStatus.Cancelled), new NodeStateChange("d", NodeStatus.Cancelled)], result.Changes);
        var run = await GetRunAsync(creation.RunId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(at, run.FinishedAt);
        Assert.Equal(NodeStatus.Running, NodeOf(run, "b").Status);
        Assert.Null(await TryClaimAsync(MessageTo(toBc, "c").Message, plan));

        var late = await SucceedAsync(plan, b);
        Assert.True(late.Applied);
        Assert.Empty(late.Messages);
        Assert.Null(late.RunFinished);
        Assert.Equal(RunStatus.Cancelled, (await GetRunAsync(creation.RunId)).Status);
    }

    [Fact]
    public async Task CancelRunAsync_PendingRun_CancelsEveryNode()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        var result = await Store.CancelRunAsync(creation.RunId, null, T0, CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(["trigger", "a", "b", "c", "d"], result.Changes.Select(c => c.NodeId));
        Assert.All((await GetRunAsync(creation.RunId)).Nodes, n => Assert.Equal(NodeStatus.Cancelled, n.Status));
        Assert.Null(await TryClaimAsync(creation.Messages[0].Message, plan));
    }

    [Fact]
    public async Task CancelRunAsync_FinalRun_ReportsStatusUnchanged()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        await Store.CancelRunAsync(creation.RunId, null, T0, CancellationToken.None);

        var again = await Store.CancelRunAsync(creation.RunId, null, T0.AddSeconds(1), CancellationToken.None);

        Assert.NotNull(again);
        Assert.Equal(RunStatus.Cancelled, again.Status);
        Assert.False(again.Changed);
        Assert.Empty(again.Changes);
        Assert.Equal(T0, (await GetRunAsync(creation.RunId)).FinishedAt);
    }

    [Fact]
    public async Task CancelRunAsync_MissingOrOtherOwner_ReturnsNull()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        Assert.Null(await Store.CancelRunAsync(Guid.NewGuid(), null, T0, CancellationToken.None));
        Assert.Null(await Store.CancelRunAsync(creation.RunId, Guid.NewGuid(), T0, CancellationToken.None));
        Assert.Equal(RunStatus.Pending, (await GetRunAsync(creation.RunId)).Status);
    }
}
