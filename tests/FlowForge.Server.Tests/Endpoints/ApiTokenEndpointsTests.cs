using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class ApiTokenEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Create_ReturnsTheSecretOnce_ListShowsNoSecret_TheTokenWorksAsBearerUntilRevoked()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);

        var created = await browser.PostAsync("/api/tokens", new { name = "deploy script", expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = await BrowserClient.JsonAsync(created);
        var secret = token["token"]!.GetValue<string>();
        var id = token["id"]!.GetValue<Guid>();
        Assert.StartsWith("ff_", secret, StringComparison.Ordinal);

        var listed = await browser.GetAsync("/api/tokens");
        var listText = await listed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.DoesNotContain(secret, listText, StringComparison.Ordinal);
        var item = Assert.Single(await BrowserClient.ArrayAsync(listed))!.AsObject();
        Assert.Equal("deploy script", item["name"]!.GetValue<string>());
        Assert.Equal(id, item["id"]!.GetValue<Guid>());
        Assert.False(item.ContainsKey("token"));
        Assert.NotNull(item["expiresAt"]);

        using var script = server.CreateClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await script.PostAsJsonAsync("/api/flows", Flows.Diamond())).StatusCode);
        Assert.Single((await BrowserClient.JsonAsync(await browser.GetAsync("/api/flows")))["items"]!.AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/flows")).StatusCode);
        Assert.Empty(await BrowserClient.ArrayAsync(await browser.GetAsync("/api/tokens")));
    }

    [Fact]
    public async Task Create_StoresOnlyTheHashOfTheSecret()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);

        var secret = (await BrowserClient.JsonAsync(await browser.PostAsync("/api/tokens", new { name = "ci" })))["token"]!.GetValue<string>();

        var userId = (await BrowserClient.JsonAsync(await browser.GetAsync("/api/session")))["id"]!.GetValue<Guid>();
        var stored = Assert.Single(await server.App.Services.GetRequiredService<IApiTokenStore>().ListApiTokensAsync(userId, CancellationToken.None));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret))), stored.SecretHash);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // The database and its journal; the lock file is held exclusively by the server and holds no data.
        foreach (var file in Directory.GetFiles(server.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain(secret, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BearerToken_Use_IsRecordedAsLastUsed()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        var secret = (await BrowserClient.JsonAsync(await browser.PostAsync("/api/tokens", new { name = "ci" })))["token"]!.GetValue<string>();
        Assert.Null((await BrowserClient.ArrayAsync(await browser.GetAsync("/api/tokens")))[0]!["lastUsedAt"]);
        using var script = server.CreateClient(secret);

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/flows")).StatusCode);

        var listed = await BrowserClient.ArrayAsync(await browser.GetAsync("/api/tokens"));
        Assert.NotNull(listed[0]!["lastUsedAt"]);
    }

    [Fact]
    public async Task Delete_AnotherUsersToken_Is404AndTheTokenKeepsWorking()
    {
        var server = shared.Server;
        using var alice = await BrowserClient.SignedInAsync(server);
        using var bob = await BrowserClient.SignedInAsync(server);
        var token = await BrowserClient.JsonAsync(await alice.PostAsync("/api/tokens", new { name = "alice's" }));

        var response = await bob.DeleteAsync($"/api/tokens/{token["id"]!.GetValue<Guid>()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await BrowserClient.ArrayAsync(await bob.GetAsync("/api/tokens")));
        using var script = server.CreateClient(token["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/flows")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"0123456789a\"}", "name")]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"ok\",\"expiresInDays\":0}", "expiresInDays")]
    [InlineData("{\"name\":\"ok\",\"expiresInDays\":8}", "expiresInDays")]
    [InlineData("{\"name\":\"ok\",\"expiresInDays\":\"7\"}", "expiresInDays")]
    [InlineData("{\"name\":\"ok\",\"expiresInDays\":1.5}", "expiresInDays")]
    public async Task Create_BadInput_Is400NamingTheField(string body, string field)
    {
        await using var server = await TestServer.StartAsync("--Auth:MaxApiTokenNameLength=10", "--Auth:MaxApiTokenDays=7");
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsync("/api/tokens", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await BrowserClient.JsonAsync(response))["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_PastMaxApiTokensPerUser_Is409()
    {
        await using var server = await TestServer.StartAsync("--Auth:MaxApiTokensPerUser=2");
        using var client = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/tokens", new { name = "a" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/tokens", new { name = "b" })).StatusCode);
        var third = await client.PostAsJsonAsync("/api/tokens", new { name = "c" });

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Contains("MaxApiTokensPerUser", (await BrowserClient.JsonAsync(third))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/tokens", new { name = "a" })).StatusCode);
    }

    [Fact]
    public async Task BearerToken_PastItsExpiry_Is401()
    {
        var clock = new AdjustableTimeProvider();
        await using var server = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        using var client = await server.CreateUserClientAsync();
        var secret = (await BrowserClient.JsonAsync(await client.PostAsJsonAsync("/api/tokens", new { name = "short", expiresInDays = 1 })))["token"]!.GetValue<string>();
        using var script = server.CreateClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/flows")).StatusCode);

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/flows")).StatusCode);
    }

    [Theory]
    [InlineData("ff_")]
    [InlineData("ff_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ff_not a token at all")]
    public async Task BearerToken_UnknownOrMalformed_Is401(string secret)
    {
        var server = shared.Server;
        using var script = server.CreateClient(secret);

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Revoke_OnOneProcess_IsRefusedByAnotherProcessAtOnce()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] shared = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}"];
        await using var first = await TestServer.StartAsync(shared);
        await using var second = await TestServer.StartAsync(shared);
        using var owner = await first.CreateUserClientAsync();
        var token = await BrowserClient.JsonAsync(await owner.PostAsJsonAsync("/api/tokens", new { name = "ci" }));
        using var onSecond = second.CreateClient(token["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/flows")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/tokens/{token["id"]!.GetValue<Guid>()}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await onSecond.GetAsync("/api/flows")).StatusCode);
    }
}
