using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class AuthStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task RevokeTokenAsync_Twice_IsRevokedOnce()
    {
        await Store.RevokeTokenAsync("token-1", T0.AddHours(1), CancellationToken.None);
        await Store.RevokeTokenAsync("token-1", T0.AddHours(1), CancellationToken.None);

        Assert.True(await Store.IsTokenRevokedAsync("token-1", CancellationToken.None));
        Assert.False(await Store.IsTokenRevokedAsync("token-2", CancellationToken.None));
    }

    [Fact]
    public async Task PurgeExpiredRevocationsAsync_ForgetsOnlyExpiredTokens()
    {
        await Store.RevokeTokenAsync("expired", T0.AddMinutes(-1), CancellationToken.None);
        await Store.RevokeTokenAsync("live", T0.AddMinutes(1), CancellationToken.None);

        var purged = await Store.PurgeExpiredRevocationsAsync(T0, CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.False(await Store.IsTokenRevokedAsync("expired", CancellationToken.None));
        Assert.True(await Store.IsTokenRevokedAsync("live", CancellationToken.None));
    }

    [Fact]
    public async Task TryAddKeyAsync_SameIdTwice_KeepsTheFirstAndListsOldestFirst()
    {
        Assert.True(await Store.TryAddKeyAsync(new StoredKey("signing", "k2", "second", T0.AddDays(1)), CancellationToken.None));
        Assert.True(await Store.TryAddKeyAsync(new StoredKey("signing", "k1", "first", T0), CancellationToken.None));
        Assert.False(await Store.TryAddKeyAsync(new StoredKey("signing", "k1", "replacement", T0.AddDays(2)), CancellationToken.None));
        Assert.True(await Store.TryAddKeyAsync(new StoredKey("other", "k1", "elsewhere", T0), CancellationToken.None));

        var keys = await Store.ListKeysAsync("signing", CancellationToken.None);

        Assert.Equal([new StoredKey("signing", "k1", "first", T0), new StoredKey("signing", "k2", "second", T0.AddDays(1))], keys);
    }

    [Fact]
    public async Task UpdatePasswordHashAsync_ReplacesTheHash()
    {
        var user = new UserRecord(Guid.NewGuid(), "ada@example.com", "old-hash", T0);
        await Store.TryCreateAsync(user, CancellationToken.None);

        await Store.UpdatePasswordHashAsync(user.Id, "new-hash", CancellationToken.None);

        Assert.Equal(user with { PasswordHash = "new-hash" }, await Store.FindByEmailAsync(user.Email, CancellationToken.None));
    }
}
