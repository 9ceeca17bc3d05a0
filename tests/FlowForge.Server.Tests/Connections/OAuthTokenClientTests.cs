using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

public sealed class OAuthTokenClientTests : IAsyncLifetime
{
    private readonly List<TestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExchangeCodeAsync_SlackUserToken_IsReadFromAuthedUser()
    {
        await using var slack = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () => Results.Json(new
        {
            ok = true,
            team = new { id = "T1" },
            authed_user = new { id = "U1", scope = "chat:write,channels:read", access_token = "xoxp-user", refresh_token = "xoxe-1", token_type = "user", expires_in = 43200 },
        })));
        var (client, app) = await ClientForAsync(slack, "slack");

        var tokens = await client.ExchangeCodeAsync(app, "code", "http://127.0.0.1/oauth/callback", null, CancellationToken.None);

        Assert.Equal("xoxp-user", tokens.AccessToken);
        Assert.Equal("xoxe-1", tokens.RefreshToken);
        Assert.Equal(43200, tokens.ExpiresInSeconds);
        Assert.Equal(["chat:write", "channels:read"], tokens.Scopes);
    }

    [Fact]
    public async Task ExchangeCodeAsync_SlackOkFalse_IsARefusalWithSlacksError()
    {
        await using var slack = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () => Results.Json(new { ok = false, error = "invalid_code" })));
        var (client, app) = await ClientForAsync(slack, "slack");

        var error = await Assert.ThrowsAsync<OAuthRefusedException>(() => client.ExchangeCodeAsync(app, "code", "http://127.0.0.1/cb", null, CancellationToken.None));

        Assert.Equal("invalid_code", error.Error);
    }

    [Fact]
    public async Task ExchangeCodeAsync_FormEncodedAnswer_IsRead()
    {
        await using var github = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () =>
            Results.Text("access_token=gho_abc&scope=repo%2Cread%3Auser&token_type=bearer", "application/x-www-form-urlencoded")));
        var (client, app) = await ClientForAsync(github, "github");

        var tokens = await client.ExchangeCodeAsync(app, "code", "http://127.0.0.1/cb", "v", CancellationToken.None);

        Assert.Equal("gho_abc", tokens.AccessToken);
        Assert.Null(tokens.RefreshToken);
        Assert.Equal(["repo", "read:user"], tokens.Scopes);
        Assert.Equal("application/json", Assert.Single(github.Requests).Headers["accept"]);
    }

    [Fact]
    public async Task ExchangeCodeAsync_ErrorIn200Answer_IsARefusal()
    {
        await using var github = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () =>
            Results.Json(new { error = "bad_verification_code", error_description = "The code passed is incorrect or expired." })));
        var (client, app) = await ClientForAsync(github, "github");

        var error = await Assert.ThrowsAsync<OAuthRefusedException>(() => client.ExchangeCodeAsync(app, "code", "http://127.0.0.1/cb", "v", CancellationToken.None));

        Assert.Equal("bad_verification_code: The code passed is incorrect or expired.", error.Reason);
    }

    [Fact]
    public async Task RefreshAsync_AnswerLargerThanTheLimit_FailsWithoutReadingItAll()
    {
        await using var big = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () => Results.Text(new string('x', 10_000), "application/json")));
        var (client, app) = await ClientForAsync(big, "github", "--Connections:MaxTokenResponseBytes=2048");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.RefreshAsync(app, "rt", CancellationToken.None));

        Assert.Contains("Connections:MaxTokenResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_PrivateAddressWithoutAllowPrivateNetworks_IsRefusedByTheGuard()
    {
        await using var local = await LocalHttpServer.StartAsync(app => app.MapPost("/token", () => Results.Json(new { access_token = "x" })));
        await using var server = await TestServer.StartAsync($"--Connections:Providers:github:ClientId=c", $"--Connections:Providers:github:TokenUrl={local.Url("token")}");
        var client = server.App.Services.GetRequiredService<OAuthTokenClient>();
        var app = OAuthApp.For(server.App.Services.GetRequiredService<ConnectionProviderCatalog>().Find("github")!, null, new Dictionary<string, string>())!;

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.RefreshAsync(app, "rt", CancellationToken.None));

        Assert.Empty(local.Requests);
    }

    private async Task<(OAuthTokenClient Client, OAuthApp App)> ClientForAsync(LocalHttpServer provider, string id, params string[] settings)
    {
        var server = await TestServer.StartAsync(["--Http:AllowPrivateNetworks=true", $"--Connections:Providers:{id}:ClientId=client", $"--Connections:Providers:{id}:ClientSecret=secret", $"--Connections:Providers:{id}:TokenUrl={provider.Url("token")}", .. settings]);
        _servers.Add(server);
        var catalog = server.App.Services.GetRequiredService<ConnectionProviderCatalog>();
        return (server.App.Services.GetRequiredService<OAuthTokenClient>(), OAuthApp.For(catalog.Find(id)!, null, new Dictionary<string, string>())!);
    }
}
