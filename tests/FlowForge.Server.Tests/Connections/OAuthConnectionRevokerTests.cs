using FlowForge.Engine.Credentials;
using FlowForge.Server.Connections.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

public sealed class OAuthConnectionRevokerTests
{
    [Fact]
    public async Task RevokeAsync_Google_PostsTheRefreshTokenInTheQuery()
    {
        await using var h = await OAuthHarness.StartAsync();
        var connection = await OAuthConnectionRefresherTests.AddExpiredConnectionAsync(h);
        var refresh = h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.RefreshToken];

        var confirmed = await h.Server.App.Services.GetRequiredService<IConnectionRevoker>().RevokeAsync(connection, CancellationToken.None);

        Assert.True(confirmed);
        Assert.Equal([refresh], h.Provider.Revoked);
        Assert.Contains(h.Provider.Requests, r => r.Method == "POST" && r.PathAndQuery == $"/revoke?token={refresh}");
        Assert.False(h.Provider.IsLive(refresh));
    }

    [Fact]
    public async Task RevokeAsync_GenericProvider_SendsAnRfc7009FormWithTheClientsCredentials()
    {
        await using var h = await OAuthHarness.StartAsync();
        await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync("generic-oauth2", new
        {
            generic = new { authorizeUrl = h.Provider.Url("authorize"), tokenUrl = h.Provider.Url("token"), revokeUrl = h.Provider.Url("revoke"), clientId = h.Provider.ClientId, clientSecret = h.Provider.ClientSecret },
        })));
        var connection = Assert.Single(await h.AllAsync());

        Assert.True(await h.Server.App.Services.GetRequiredService<IConnectionRevoker>().RevokeAsync(connection, CancellationToken.None));

        var request = h.Provider.Requests.Single(r => r.PathAndQuery == "/revoke");
        Assert.Contains("token_type_hint=refresh_token", request.Body, StringComparison.Ordinal);
        Assert.StartsWith("Basic ", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.RefreshToken], Assert.Single(h.Provider.Revoked));
    }

    [Fact]
    public async Task RevokeAsync_GitHub_DeletesTheGrantWithBasicAuthAndTheAccessToken()
    {
        await using var github = await LocalHttpServer.StartAsync(app =>
            app.MapDelete("/applications/{clientId}/grant", (string clientId) => Results.NoContent()));
        await using var provider = await LocalOAuthProvider.StartAsync();
        await using var server = await Testing.TestServer.StartAsync(
            [.. OAuthHarness.ProviderSettings(provider, "github"), $"--Connections:Providers:github:RevokeUrl={github.Url("applications/{clientId}/grant")}"]);
        var connection = Connection("github", server.App.Services.GetRequiredService<ISecretProtector>(), "gho-access");

        Assert.True(await server.App.Services.GetRequiredService<IConnectionRevoker>().RevokeAsync(connection, CancellationToken.None));

        var request = Assert.Single(github.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal($"/applications/{provider.ClientId}/grant", request.PathAndQuery);
        Assert.StartsWith("Basic ", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Contains("\"access_token\":\"gho-access\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAsync_ProviderDown_ReturnsFalseWithoutThrowing()
    {
        await using var h = await OAuthHarness.StartAsync(null, "--Connections:Providers:google:RevokeUrl=http://127.0.0.1:1/revoke");
        var connection = await OAuthConnectionRefresherTests.AddExpiredConnectionAsync(h);

        Assert.False(await h.Server.App.Services.GetRequiredService<IConnectionRevoker>().RevokeAsync(connection, CancellationToken.None));
    }

    private static ConnectionRecord Connection(string provider, ISecretProtector protector, string accessToken)
    {
        var now = DateTimeOffset.UtcNow;
        return new ConnectionRecord(Guid.CreateVersion7(), Guid.CreateVersion7(), provider, ConnectionKind.OAuth2, provider,
            protector.Protect(new Dictionary<string, string> { [OAuthSecretFields.AccessToken] = accessToken }),
            ConnectionStatus.Connected, null, [], null, now, now, 1);
    }
}
