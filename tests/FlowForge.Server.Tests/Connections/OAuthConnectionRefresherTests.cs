using System.Net;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using FlowForge.Server.Connections.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

public sealed class OAuthConnectionRefresherTests
{
    [Fact]
    public async Task RefreshAsync_TenConcurrentCallersWithAnExpiredToken_RefreshOnceAtTheProvider()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        var refresher = h.Server.App.Services.GetRequiredService<IConnectionRefresher>();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => refresher.RefreshAsync(connection, force: false, CancellationToken.None))));

        Assert.Equal(1, h.Provider.RefreshCount);
        var stored = Assert.Single(await h.AllAsync());
        Assert.All(results, r => Assert.Equal(stored.Version, r.Version));
        Assert.True(stored.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(30));
        await AssertAccessTokenWorksAsync(h, stored);
    }

    [Fact]
    public async Task RefreshAsync_TwoProcessesSharingTheDatabaseLock_RefreshOnceAtTheProvider()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        // Two refreshers, each with its own in-process flights and lock holder id, as two api processes have.
        var first = ActivatorUtilities.CreateInstance<OAuthConnectionRefresher>(h.Server.App.Services);
        var second = ActivatorUtilities.CreateInstance<OAuthConnectionRefresher>(h.Server.App.Services);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).RefreshAsync(connection, force: true, CancellationToken.None))));

        Assert.Equal(1, h.Provider.RefreshCount);
        var stored = Assert.Single(await h.AllAsync());
        Assert.All(results, r => Assert.Equal(stored.Version, r.Version));
    }

    [Fact]
    public async Task RefreshAsync_LockHeldByAnotherProcess_WaitsAndUsesItsResult()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        var locks = h.Server.App.Services.GetRequiredService<ILockStore>();
        var name = $"connection-refresh:{connection.Id:N}";
        Assert.True(await locks.TryAcquireLockAsync(name, "other-process", TimeSpan.FromMinutes(1), CancellationToken.None));
        var refresher = h.Server.App.Services.GetRequiredService<IConnectionRefresher>();

        var waiting = refresher.RefreshAsync(connection, force: true, CancellationToken.None);
        var theirs = connection with { Version = connection.Version + 1, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };
        Assert.True(await h.Store.UpdateConnectionAsync(theirs, connection.Version, CancellationToken.None));
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(theirs.Version, result.Version);
        Assert.Equal(0, h.Provider.RefreshCount);
    }

    [Fact]
    public async Task RefreshAsync_ProviderRotatesTheRefreshToken_StoresTheNewOne()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        var oldRefresh = h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.RefreshToken];

        var refreshed = await h.Server.App.Services.GetRequiredService<IConnectionRefresher>().RefreshAsync(connection, false, CancellationToken.None);

        var newRefresh = h.Protector.Unprotect(refreshed.ProtectedSecret)[OAuthSecretFields.RefreshToken];
        Assert.NotEqual(oldRefresh, newRefresh);
        Assert.True(h.Provider.IsLive(newRefresh));
        Assert.False(h.Provider.IsLive(oldRefresh));
        Assert.Equal(newRefresh, h.Protector.Unprotect(Assert.Single(await h.AllAsync()).ProtectedSecret)[OAuthSecretFields.RefreshToken]);
    }

    [Fact]
    public async Task RefreshAsync_ProviderSendsNoNewRefreshToken_KeepsTheOldOne()
    {
        await using var h = await OAuthHarness.StartAsync();
        h.Provider.RotateRefreshTokens = false;
        var connection = await AddExpiredConnectionAsync(h);
        var oldRefresh = h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.RefreshToken];

        var refreshed = await h.Server.App.Services.GetRequiredService<IConnectionRefresher>().RefreshAsync(connection, false, CancellationToken.None);

        var secret = h.Protector.Unprotect(refreshed.ProtectedSecret);
        Assert.Equal(oldRefresh, secret[OAuthSecretFields.RefreshToken]);
        Assert.NotEqual(h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.AccessToken], secret[OAuthSecretFields.AccessToken]);
    }

    [Fact]
    public async Task RefreshAsync_NotExpiringAndNotForced_CallsNoProvider()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h, expiresAt: DateTimeOffset.UtcNow.AddHours(1));

        var result = await h.Server.App.Services.GetRequiredService<IConnectionRefresher>().RefreshAsync(connection, false, CancellationToken.None);

        Assert.Same(connection, result);
        Assert.Equal(0, h.Provider.RefreshCount);
    }

    [Fact]
    public async Task RefreshAsync_RefreshTokenRevoked_MarksBrokenWithTheProvidersReasonAndThrowsNamingTheConnection()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        h.Provider.RevokeAllRefreshTokens("Token has been expired or revoked.");
        var refresher = h.Server.App.Services.GetRequiredService<IConnectionRefresher>();

        var error = await Assert.ThrowsAsync<ConnectionUnusableException>(() => refresher.RefreshAsync(connection, false, CancellationToken.None));

        Assert.Contains("Work Google", error.Message, StringComparison.Ordinal);
        Assert.Contains("reconnect", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        var stored = Assert.Single(await h.AllAsync());
        Assert.Equal(ConnectionStatus.Broken, stored.Status);
        Assert.Equal("invalid_grant: Token has been expired or revoked.", stored.StatusReason);

        // Broken stays broken without asking the provider again.
        await Assert.ThrowsAsync<ConnectionUnusableException>(() => refresher.RefreshAsync(stored, true, CancellationToken.None));
        Assert.Equal(1, h.Provider.RefreshCount);
    }

    [Fact]
    public async Task RefreshAsync_ProviderUnavailable_ThrowsRetryableAndLeavesTheConnectionConnected()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await AddExpiredConnectionAsync(h);
        h.Provider.FailTokenRequestsWith = 503;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            h.Server.App.Services.GetRequiredService<IConnectionRefresher>().RefreshAsync(connection, false, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        var stored = Assert.Single(await h.AllAsync());
        Assert.Equal(ConnectionStatus.Connected, stored.Status);
        Assert.Equal(connection.Version, stored.Version);

        // The lock was given back: the next attempt refreshes.
        h.Provider.FailTokenRequestsWith = null;
        var refreshed = await h.Server.App.Services.GetRequiredService<IConnectionRefresher>().RefreshAsync(connection, false, CancellationToken.None);
        Assert.Equal(connection.Version + 1, refreshed.Version);
    }

    /// <summary>A google connection of the harness's user whose access token expired.</summary>
    internal static async Task<ConnectionRecord> AddExpiredConnectionAsync(OAuthHarness h, DateTimeOffset? expiresAt = null)
    {
        var (access, refresh) = h.Provider.IssueTokens(expiresInSeconds: 0);
        var now = DateTimeOffset.UtcNow;
        var connection = new ConnectionRecord(
            Guid.CreateVersion7(), h.UserId, "Work Google", ConnectionKind.OAuth2, "google",
            h.Protector.Protect(new Dictionary<string, string>
            {
                [OAuthSecretFields.AccessToken] = access, [OAuthSecretFields.RefreshToken] = refresh, [OAuthSecretFields.TokenType] = "Bearer",
            }),
            ConnectionStatus.Connected, null, ["email"], expiresAt ?? now.AddSeconds(-5), now, now, 1);
        await h.Store.AddConnectionAsync(connection, CancellationToken.None);
        return connection;
    }

    private static async Task AssertAccessTokenWorksAsync(OAuthHarness h, ConnectionRecord connection)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, h.Provider.Url("api/test"));
        request.Headers.Authorization = new("Bearer", h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.AccessToken]);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
