using System.Net;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlowForge.Server.Tests.Auth;

public sealed class TokenRevocationTests
{
    [Fact]
    public async Task Issue_Token_CarriesAnIdAndAKeyId()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();

        var token = new JsonWebToken(TokenOf(client));

        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.False(string.IsNullOrEmpty(token.Kid));
    }

    [Fact]
    public async Task Logout_PresentedToken_IsRefusedAfterwardsButOtherTokensAreNot()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);

        var logout = await client.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Logout_WithoutToken_Is401()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
    }

    [Fact]
    public async Task Logout_OnOneProcess_IsRefusedByAnotherProcessOfTheSameDatabase()
    {
        // Two processes share a database only on a shared store: an embedded data folder is held by one process.
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] shared = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}"];
        await using var first = await TestServer.StartAsync(shared);
        await using var second = await TestServer.StartAsync(shared);
        using var onFirst = await first.CreateUserClientAsync();
        using var onSecond = second.CreateClient(TokenOf(onFirst));
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/flows")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await onFirst.PostAsync("/api/auth/logout", null)).StatusCode);

        // The second process may trust its last answer for Auth:RevocationCacheDuration (2 s by default), no longer.
        await Eventually.MatchesAsync(
            async () => (await onSecond.GetAsync("/api/flows")).StatusCode,
            status => status == HttpStatusCode.Unauthorized,
            "the second process to refuse the revoked token",
            TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await onFirst.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Maintenance_ExpiredRevocations_ArePurged()
    {
        await using var server = await TestServer.StartAsync("--Auth:MaintenanceInterval=00:00:01");
        var store = server.App.Services.GetRequiredService<IAuthStore>();
        await store.RevokeTokenAsync("expired-token", DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);
        await store.RevokeTokenAsync("live-token", DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);

        await Eventually.TrueAsync(
            async () => !await store.IsTokenRevokedAsync("expired-token", CancellationToken.None),
            "the expired revocation to be purged");
        Assert.True(await store.IsTokenRevokedAsync("live-token", CancellationToken.None));
    }

    internal static string TokenOf(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;
}
