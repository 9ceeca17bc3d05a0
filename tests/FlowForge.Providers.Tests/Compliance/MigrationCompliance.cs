using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class MigrationCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task MigrateAsync_Again_IsIdempotent()
    {
        await Store.MigrateAsync(CancellationToken.None);
        await Store.MigrateAsync(CancellationToken.None);

        Assert.True(await Store.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReadyAsync_BeforeMigrate_IsFalseAndAfterIsTrue()
    {
        await using var database = await Provider.CreateDatabaseAsync(Time, migrate: false);

        Assert.False(await database.Storage.IsReadyAsync(CancellationToken.None));
        await database.Storage.MigrateAsync(CancellationToken.None);
        Assert.True(await database.Storage.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task MigrateAsync_SeveralProcessesAtOnce_AllSucceedOnOneSchema()
    {
        await using var database = await Provider.CreateDatabaseAsync(Time, migrate: false);
        var stores = Enumerable.Range(0, 4).Select(_ => database.OpenAnother()).Append(database.Storage).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(CancellationToken.None))));

        Assert.All(await Task.WhenAll(stores.Select(s => s.IsReadyAsync(CancellationToken.None).AsTask())), Assert.True);
        Assert.True(await database.Storage.TryCreateAsync(new UserRecord(Guid.NewGuid(), "a@example.com", "h", T0), CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_AfterWrites_KeepsEverything()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var flow = await Store.CreateAsync(Owner, "kept", """{"kept":true}""", CancellationToken.None);
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan);
        var completion = await SucceedAsync(plan, claim);
        await Store.GetOrAddSettingAsync("key", "value", CancellationToken.None);

        var reopened = await Database.ReopenAsync();

        Assert.Equal(flow, await reopened.GetAsync(flow.Id, Owner, null, CancellationToken.None));
        Assert.Equal("value", await reopened.GetOrAddSettingAsync("key", "other", CancellationToken.None));
        var run = await reopened.GetRunAsync(creation.RunId, Owner, CancellationToken.None);
        Assert.Equal(Engine.Runs.NodeStatus.Succeeded, NodeOf(run!, "trigger").Status);
        Assert.Equal(
            creation.Messages.Concat(completion.Messages).Select(m => m.OutboxId),
            (await reopened.ReadPendingAsync(10, CancellationToken.None)).Select(m => m.OutboxId));
        Assert.NotNull(await ((IRunStore)reopened).TryClaimAsync(MessageTo(completion, "a").Message, plan["a"].Dependencies, Worker, T0, T0 + Lease, CancellationToken.None));
    }
}
