using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class OAuthStateAndLockCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private OAuthStateRecord State(DateTimeOffset? expiresAt = null, Guid? connectionId = null) => new(
        Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, 'a'), Owner, "google",
        new string('b', 64), "https://flows.example.com/oauth/callback", connectionId, [1, 2, 3, 250], T0, expiresAt ?? T0.AddMinutes(10));

    [Fact]
    public async Task TakeOAuthStateAsync_ReturnsTheStateOnce()
    {
        var state = State(connectionId: Guid.NewGuid());
        await Store.AddOAuthStateAsync(state, CancellationToken.None);

        var taken = await Store.TakeOAuthStateAsync(state.StateHash, CancellationToken.None);

        Assert.NotNull(taken);
        Assert.Equal(state with { ProtectedData = [] }, taken with { ProtectedData = [] });
        Assert.Equal(state.ProtectedData, taken.ProtectedData);
        Assert.Null(await Store.TakeOAuthStateAsync(state.StateHash, CancellationToken.None));
        Assert.Null(await Store.TakeOAuthStateAsync(new string('0', 64), CancellationToken.None));
    }

    [Fact]
    public async Task TakeOAuthStateAsync_ManyAtOnce_OnlyOneGetsIt()
    {
        var state = State();
        await Store.AddOAuthStateAsync(state, CancellationToken.None);

        var takers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TakeOAuthStateAsync(state.StateHash, CancellationToken.None))));

        Assert.Single(takers, t => t is not null);
    }

    [Fact]
    public async Task PurgeExpiredOAuthStatesAsync_DeletesOnlyExpiredStates()
    {
        var expired = State(T0.AddMinutes(-1));
        var live = State();
        await Store.AddOAuthStateAsync(expired, CancellationToken.None);
        await Store.AddOAuthStateAsync(live, CancellationToken.None);

        Assert.Equal(1, await Store.PurgeExpiredOAuthStatesAsync(T0, CancellationToken.None));

        Assert.Null(await Store.TakeOAuthStateAsync(expired.StateHash, CancellationToken.None));
        Assert.NotNull(await Store.TakeOAuthStateAsync(live.StateHash, CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireLockAsync_HeldByAnother_FailsUntilReleasedOrItsLeaseRunsOut()
    {
        Assert.True(await Store.TryAcquireLockAsync("refresh:1", "a", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.False(await Store.TryAcquireLockAsync("refresh:1", "b", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True(await Store.TryAcquireLockAsync("refresh:2", "b", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True(await Store.TryAcquireLockAsync("refresh:1", "a", TimeSpan.FromMinutes(1), CancellationToken.None));

        await Store.ReleaseLockAsync("refresh:1", "b", CancellationToken.None);
        Assert.False(await Store.TryAcquireLockAsync("refresh:1", "b", TimeSpan.FromMinutes(1), CancellationToken.None));

        await Store.ReleaseLockAsync("refresh:1", "a", CancellationToken.None);
        Assert.True(await Store.TryAcquireLockAsync("refresh:1", "b", TimeSpan.FromMinutes(1), CancellationToken.None));

        Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.True(await Store.TryAcquireLockAsync("refresh:1", "c", TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireLockAsync_ManyHoldersAtOnce_OnlyOneGetsIt()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Store.TryAcquireLockAsync("refresh:race", $"holder-{i}", TimeSpan.FromMinutes(1), CancellationToken.None))));

        Assert.Single(results, r => r);
    }
}
