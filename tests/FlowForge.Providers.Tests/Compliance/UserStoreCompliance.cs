using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class UserStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task TryCreateAsync_EmailTakenInAnyCase_ReturnsFalse()
    {
        var ada = new UserRecord(Guid.NewGuid(), "Ada@Example.com", "hash-1", T0);

        Assert.True(await Store.TryCreateAsync(ada, CancellationToken.None));
        Assert.False(await Store.TryCreateAsync(ada with { Id = Guid.NewGuid(), Email = "ada@example.COM" }, CancellationToken.None));
        Assert.True(await Store.TryCreateAsync(ada with { Id = Guid.NewGuid(), Email = "grace@example.com" }, CancellationToken.None));
    }

    [Fact]
    public async Task FindByEmailAsync_AnyCase_FindsUserWithNormalizedEmail()
    {
        var id = Guid.NewGuid();
        await Store.TryCreateAsync(new UserRecord(id, "Ada@Example.com", "hash-1", T0), CancellationToken.None);

        var found = await Store.FindByEmailAsync("ADA@example.com", CancellationToken.None);

        Assert.Equal(new UserRecord(id, "ada@example.com", "hash-1", T0), found);
        Assert.Null(await Store.FindByEmailAsync("nobody@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateAsync_SameEmailConcurrently_CreatesOne()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            Store.TryCreateAsync(new UserRecord(Guid.NewGuid(), i % 2 == 0 ? "same@example.com" : "SAME@example.com", "h", T0), CancellationToken.None))));

        Assert.Single(results, created => created);
    }

    [Fact]
    public async Task GetOrAddSettingAsync_FirstWriterWins()
    {
        var first = await Store.GetOrAddSettingAsync("jwt.signingKey", "key-A", CancellationToken.None);
        var second = await Store.GetOrAddSettingAsync("jwt.signingKey", "key-B", CancellationToken.None);
        var other = await Store.GetOrAddSettingAsync("other", "value", CancellationToken.None);

        Assert.Equal("key-A", first);
        Assert.Equal("key-A", second);
        Assert.Equal("value", other);
    }

    [Fact]
    public async Task GetOrAddSettingAsync_Concurrently_EveryCallerSeesTheSameValue()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => Store.GetOrAddSettingAsync("k", $"v{i}", CancellationToken.None))));

        Assert.Single(values.Distinct());
    }

    [Fact]
    public async Task TryCreateOwnerAsync_NoAccounts_CreatesTheOwnerOnce()
    {
        Assert.False(await Store.AnyUserAsync(CancellationToken.None));
        var owner = new UserRecord(Guid.NewGuid(), "Owner@Example.com", "h", T0);

        Assert.True(await Store.TryCreateOwnerAsync(owner, CancellationToken.None));
        Assert.False(await Store.TryCreateOwnerAsync(owner with { Id = Guid.NewGuid(), Email = "second@example.com" }, CancellationToken.None));

        Assert.True(await Store.AnyUserAsync(CancellationToken.None));
        Assert.Equal(owner with { Email = "owner@example.com", IsOwner = true }, await Store.FindByIdAsync(owner.Id, CancellationToken.None));
        Assert.Null(await Store.FindByEmailAsync("second@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateOwnerAsync_AfterAnAccountExists_ReturnsFalse()
    {
        await Store.TryCreateAsync(new UserRecord(Guid.NewGuid(), "first@example.com", "h", T0), CancellationToken.None);

        Assert.False(await Store.TryCreateOwnerAsync(new UserRecord(Guid.NewGuid(), "owner@example.com", "h", T0), CancellationToken.None));
        Assert.False((await Store.FindByEmailAsync("first@example.com", CancellationToken.None))!.IsOwner);
    }

    [Fact]
    public async Task TryCreateOwnerAsync_Concurrently_CreatesOneOwner()
    {
        var users = Enumerable.Range(0, 8).Select(i => new UserRecord(Guid.NewGuid(), $"owner{i}@example.com", "h", T0)).ToList();

        var results = await Task.WhenAll(users.Select(u => Task.Run(() => Store.TryCreateOwnerAsync(u, CancellationToken.None))));

        Assert.Single(results, created => created);
        var found = await Task.WhenAll(users.Select(u => Store.FindByIdAsync(u.Id, CancellationToken.None)));
        Assert.Single(found, u => u is { IsOwner: true });
    }

    [Fact]
    public async Task FindByIdAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store.FindByIdAsync(Guid.NewGuid(), CancellationToken.None));
    }
}
