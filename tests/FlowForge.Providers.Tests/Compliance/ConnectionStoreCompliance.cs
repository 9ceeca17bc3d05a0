using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class ConnectionStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static ConnectionRecord Connection(Guid ownerId, string name, ConnectionKind kind = ConnectionKind.ApiKey) =>
        new(Guid.NewGuid(), ownerId, name, kind, "slack", [1, 2, 3, 0, 255], ConnectionStatus.Connected, null, ["chat:write", "users:read"],
            T0.AddHours(1), T0, T0, 1)
        {
            RateLimit = new RateLimitPolicy(5, 2.5),
            SettingsJson = """{"in":"header","name":"X-Api-Key"}""",
        };

    [Fact]
    public async Task AddConnectionAsync_ThenGetAndList_ReturnsEveryField()
    {
        var connection = Connection(Owner, "Work Slack");
        var plain = Connection(Owner, "A plain one", ConnectionKind.Basic) with { Provider = null, Scopes = [], ExpiresAt = null };
        plain = plain with { RateLimit = null, SettingsJson = null };

        await Store.AddConnectionAsync(connection, CancellationToken.None);
        await Store.AddConnectionAsync(plain, CancellationToken.None);

        AssertSame(connection, await Store.GetConnectionAsync(Owner, connection.Id, CancellationToken.None));
        var listed = await Store.ListConnectionsAsync(Owner, CancellationToken.None);
        Assert.Equal([plain.Id, connection.Id], listed.Select(c => c.Id));
        AssertSame(plain, listed[0]);
    }

    [Fact]
    public async Task GetConnectionAsync_OfAnotherOwner_ReturnsNullAndListsNothing()
    {
        var connection = Connection(Owner, "mine");
        await Store.AddConnectionAsync(connection, CancellationToken.None);
        var stranger = Guid.NewGuid();

        Assert.Null(await Store.GetConnectionAsync(stranger, connection.Id, CancellationToken.None));
        Assert.Empty(await Store.ListConnectionsAsync(stranger, CancellationToken.None));
        Assert.False(await Store.UpdateConnectionAsync(connection with { OwnerId = stranger, Name = "taken", Version = 2 }, 1, CancellationToken.None));
        Assert.False(await Store.DeleteConnectionAsync(stranger, connection.Id, CancellationToken.None));
        Assert.Equal("mine", (await Store.GetConnectionAsync(Owner, connection.Id, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task UpdateConnectionAsync_WithAStaleVersion_ReturnsFalseAndKeepsTheWinner()
    {
        var connection = Connection(Owner, "before");
        await Store.AddConnectionAsync(connection, CancellationToken.None);
        var renamed = connection with
        {
            Name = "renamed", ProtectedSecret = [9, 9], Status = ConnectionStatus.Broken, StatusReason = "invalid_grant",
            Scopes = ["a"], ExpiresAt = null, UpdatedAt = T0.AddMinutes(5), Version = 2, RateLimit = null, SettingsJson = "{}",
        };

        Assert.True(await Store.UpdateConnectionAsync(renamed, 1, CancellationToken.None));
        Assert.False(await Store.UpdateConnectionAsync(connection with { Name = "lost", Version = 3 }, 1, CancellationToken.None));

        AssertSame(renamed, await Store.GetConnectionAsync(Owner, connection.Id, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateConnectionAsync_Concurrently_OnlyOneWins()
    {
        var connection = Connection(Owner, "raced");
        await Store.AddConnectionAsync(connection, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            Store.UpdateConnectionAsync(connection with { Name = $"n{i}", Version = 100 + i }, 1, CancellationToken.None))));

        Assert.Equal(1, results.Count(won => won));
        var stored = await Store.GetConnectionAsync(Owner, connection.Id, CancellationToken.None);
        Assert.Equal($"n{Array.IndexOf(results, true)}", stored!.Name);
    }

    [Fact]
    public async Task DeleteConnectionAsync_RemovesItOnce()
    {
        var connection = Connection(Owner, "gone");
        var kept = Connection(Owner, "kept");
        await Store.AddConnectionAsync(connection, CancellationToken.None);
        await Store.AddConnectionAsync(kept, CancellationToken.None);

        Assert.True(await Store.DeleteConnectionAsync(Owner, connection.Id, CancellationToken.None));
        Assert.False(await Store.DeleteConnectionAsync(Owner, connection.Id, CancellationToken.None));

        Assert.Null(await Store.GetConnectionAsync(Owner, connection.Id, CancellationToken.None));
        Assert.Equal([kept.Id], (await Store.ListConnectionsAsync(Owner, CancellationToken.None)).Select(c => c.Id));
        Assert.False(await Store.UpdateConnectionAsync(connection with { Version = 2 }, 1, CancellationToken.None));
    }

    private static void AssertSame(ConnectionRecord expected, ConnectionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ProtectedSecret, actual.ProtectedSecret);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected with { ProtectedSecret = [], Scopes = [] }, actual with { ProtectedSecret = [], Scopes = [] });
    }
}
