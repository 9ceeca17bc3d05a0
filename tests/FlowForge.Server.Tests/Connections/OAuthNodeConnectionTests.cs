using System.Net;
using FlowForge.Engine.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

/// <summary>A node's connection client on the server: OAuth refreshes through the real refresher and store.</summary>
public sealed class OAuthNodeConnectionTests
{
    [Fact]
    public async Task Http_ExpiredAccessToken_IsRefreshedAndTheRequestSucceeds()
    {
        await using var h = await OAuthHarness.StartAsync();
        var record = await OAuthConnectionRefresherTests.AddExpiredConnectionAsync(h);
        var connection = h.Server.App.Services.GetRequiredService<NodeConnectionsFactory>().Open(record)!;

        using var response = await connection.Http.GetAsync(h.Provider.Url("api/test"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, h.Provider.RefreshCount);
        Assert.True(Assert.Single(await h.AllAsync()).ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task Http_RefreshTokenRevoked_FailsNamingTheConnectionToReconnectAndMarksItBroken()
    {
        await using var h = await OAuthHarness.StartAsync();
        var record = await OAuthConnectionRefresherTests.AddExpiredConnectionAsync(h);
        h.Provider.RevokeAllRefreshTokens("Token has been expired or revoked.");
        var connection = h.Server.App.Services.GetRequiredService<NodeConnectionsFactory>().Open(record)!;

        var error = await Assert.ThrowsAsync<ConnectionUnusableException>(() => connection.Http.GetAsync(h.Provider.Url("api/test")));

        Assert.Contains($"Connection 'Work Google' ({record.Id}) must be reconnected", error.Message, StringComparison.Ordinal);
        var stored = Assert.Single(await h.AllAsync());
        Assert.Equal(ConnectionStatus.Broken, stored.Status);
        Assert.Contains("invalid_grant", stored.StatusReason, StringComparison.Ordinal);
    }
}
