using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class ApiTokenStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static ApiTokenRecord Token(Guid userId, string name, DateTimeOffset? expiresAt = null) =>
        new(Guid.NewGuid(), userId, name, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'), T0, expiresAt, null);

    private async Task<Guid> UserAsync()
    {
        var id = Guid.NewGuid();
        Assert.True(await Store.TryCreateAsync(new UserRecord(id, $"{id:N}@example.com", "h", T0), CancellationToken.None));
        return id;
    }

    [Fact]
    public async Task TryAddApiTokenAsync_ThenFindAndList_ReturnsTheStoredToken()
    {
        var user = await UserAsync();
        var token = Token(user, "deploy script", T0.AddDays(30));

        Assert.True(await Store.TryAddApiTokenAsync(token, 10, T0, CancellationToken.None));

        Assert.Equal(token, await Store.FindApiTokenAsync(token.SecretHash, CancellationToken.None));
        Assert.Equal([token], await Store.ListApiTokensAsync(user, CancellationToken.None));
        Assert.Empty(await Store.ListApiTokensAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Null(await Store.FindApiTokenAsync(new string('0', 64), CancellationToken.None));
    }

    [Fact]
    public async Task TryAddApiTokenAsync_AtTheLimit_ReturnsFalseButExpiredTokensDoNotCount()
    {
        var user = await UserAsync();
        Assert.True(await Store.TryAddApiTokenAsync(Token(user, "expired", T0.AddMinutes(-1)), 2, T0, CancellationToken.None));
        Assert.True(await Store.TryAddApiTokenAsync(Token(user, "a"), 2, T0, CancellationToken.None));
        Assert.True(await Store.TryAddApiTokenAsync(Token(user, "b"), 2, T0, CancellationToken.None));

        Assert.False(await Store.TryAddApiTokenAsync(Token(user, "c"), 2, T0, CancellationToken.None));
        Assert.True(await Store.TryAddApiTokenAsync(Token(await UserAsync(), "other user"), 2, T0, CancellationToken.None));
    }

    [Fact]
    public async Task TryAddApiTokenAsync_Concurrently_KeepsToTheLimit()
    {
        var user = await UserAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Store.TryAddApiTokenAsync(Token(user, $"t{i}"), 3, T0, CancellationToken.None))));

        Assert.Equal(3, results.Count(added => added));
        Assert.Equal(3, (await Store.ListApiTokensAsync(user, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task DeleteApiTokenAsync_OnlyByItsUser()
    {
        var user = await UserAsync();
        var token = Token(user, "t");
        await Store.TryAddApiTokenAsync(token, 10, T0, CancellationToken.None);

        Assert.False(await Store.DeleteApiTokenAsync(Guid.NewGuid(), token.Id, CancellationToken.None));
        Assert.NotNull(await Store.FindApiTokenAsync(token.SecretHash, CancellationToken.None));
        Assert.True(await Store.DeleteApiTokenAsync(user, token.Id, CancellationToken.None));
        Assert.Null(await Store.FindApiTokenAsync(token.SecretHash, CancellationToken.None));
        Assert.False(await Store.DeleteApiTokenAsync(user, token.Id, CancellationToken.None));
    }

    [Fact]
    public async Task TouchApiTokenAsync_RecordsUseOnlyWhenTheLastIsOlder()
    {
        var user = await UserAsync();
        var token = Token(user, "t");
        await Store.TryAddApiTokenAsync(token, 10, T0, CancellationToken.None);

        await Store.TouchApiTokenAsync(token.Id, T0.AddMinutes(5), T0.AddMinutes(4), CancellationToken.None);
        await Store.TouchApiTokenAsync(token.Id, T0.AddMinutes(6), T0.AddMinutes(5), CancellationToken.None);

        Assert.Equal(T0.AddMinutes(5), (await Store.FindApiTokenAsync(token.SecretHash, CancellationToken.None))!.LastUsedAt);
    }

    [Fact]
    public async Task PurgeExpiredApiTokensAsync_DeletesOnlyExpiredTokens()
    {
        var user = await UserAsync();
        var expired = Token(user, "expired", T0.AddMinutes(-1));
        var live = Token(user, "live", T0.AddMinutes(1));
        var forever = Token(user, "forever");
        foreach (var token in new[] { expired, live, forever })
        {
            await Store.TryAddApiTokenAsync(token, 10, T0.AddMinutes(-2), CancellationToken.None);
        }

        Assert.Equal(1, await Store.PurgeExpiredApiTokensAsync(T0, CancellationToken.None));
        Assert.Equal(["forever", "live"], (await Store.ListApiTokensAsync(user, CancellationToken.None)).Select(t => t.Name).Order());
    }
}
