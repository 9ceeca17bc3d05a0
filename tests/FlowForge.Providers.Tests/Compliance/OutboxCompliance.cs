using FlowForge.Engine.Queueing;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class OutboxCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task ReadPendingAsync_ReturnsOldestFirstUpToLimit()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var written = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            written.Add((await CreateRunAsync(plan)).Messages[0].OutboxId);
        }

        var first3 = await Store.ReadPendingAsync(3, CancellationToken.None);
        var all = await Store.ReadPendingAsync(100, CancellationToken.None);

        Assert.Equal(written.Take(3), first3.Select(m => m.OutboxId));
        Assert.Equal(written, all.Select(m => m.OutboxId));
        Assert.Equal(written.Order(), written);
    }

    [Fact]
    public async Task ReadPendingAsync_ByIds_ReturnsTheRowsStillPendingOldestFirst()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var written = new List<OutboxMessage>();
        for (var i = 0; i < 6; i++)
        {
            written.Add((await CreateRunAsync(plan)).Messages[0]);
        }

        await Store.AcknowledgeAsync([written[3].OutboxId], CancellationToken.None);

        // Asked out of order, with a row already removed and an id no row has.
        var read = await Store.ReadPendingAsync([written[4].OutboxId, written[1].OutboxId, written[3].OutboxId, 999_999, written[0].OutboxId], CancellationToken.None);

        Assert.Equal([written[0], written[1], written[4]], read);
        Assert.Empty(await Store.ReadPendingAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task ReadPendingAsync_ByIds_ReadsAPageOfTheCatchUp()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var written = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            written.Add((await CreateRunAsync(plan)).Messages[0].OutboxId);
        }

        // A catch-up page names up to 1,024 ids, most of them long gone.
        var asked = written.Where((_, i) => i % 3 == 0).Concat(Enumerable.Range(1, 1_010).Select(i => 10_000_000L + i)).ToList();

        var read = await Store.ReadPendingAsync(asked, CancellationToken.None);

        Assert.Equal(written.Where((_, i) => i % 3 == 0), read.Select(m => m.OutboxId));
    }

    [Fact]
    public async Task CountPendingAsync_CountsWaitingMessagesUpToTheCap()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateRunAsync(plan)).Messages[0].OutboxId);
        }

        await Store.AcknowledgeAsync([ids[1]], CancellationToken.None);

        Assert.Equal(4, await Store.CountPendingAsync(100, CancellationToken.None));
        Assert.Equal(3, await Store.CountPendingAsync(3, CancellationToken.None));
        Assert.Equal(0, await Store.CountPendingAsync(0, CancellationToken.None));
    }

    [Fact]
    public async Task AcknowledgeAsync_DeletesExactlyTheGivenMessages()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await CreateRunAsync(plan)).Messages[0].OutboxId);
        }

        await Store.AcknowledgeAsync([ids[0], ids[2], ids[5], 999_999], CancellationToken.None);
        await Store.AcknowledgeAsync([], CancellationToken.None);

        var left = await Store.ReadPendingAsync(100, CancellationToken.None);
        Assert.Equal([ids[1], ids[3], ids[4]], left.Select(m => m.OutboxId));
    }

    [Fact]
    public async Task AcknowledgeAsync_AfterDeletion_NewMessagesGetNewIds()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var first = (await CreateRunAsync(plan)).Messages[0].OutboxId;
        await Store.AcknowledgeAsync([first], CancellationToken.None);

        var second = (await CreateRunAsync(plan)).Messages[0].OutboxId;

        Assert.True(second > first);
    }
}
