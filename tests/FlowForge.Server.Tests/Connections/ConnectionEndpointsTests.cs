using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// /api/connections: shapes, checks naming the field, isolation between users, test and delete. Tests on the default
/// settings share one server (each works as fresh users); a test with settings or services of its own starts its own.
/// </summary>
public sealed class ConnectionEndpointsTests(ConnectionServerFixture shared) : IClassFixture<ConnectionServerFixture>
{
    private static readonly string[] ViewFields =
        ["id", "name", "kind", "provider", "status", "statusReason", "scopes", "expiresAt", "createdAt", "updatedAt", "settings", "rateLimit", "hasSecret"];

    public static TheoryData<string, string> Kinds => new()
    {
        { "apiKey", """{"key":"k-1"}""" },
        { "bearer", """{"token":"t-1"}""" },
        { "basic", """{"username":"ada","password":"pw-1"}""" },
        { "headers", """{"headers":{"X-Org":"o-1","X-Key":"h-1"}}""" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Create_EachKind_Returns201WithTheViewAndNoSecret(string kind, string secret)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsJsonAsync("/api/connections", new JsonObject
        {
            ["name"] = " Work ", ["kind"] = kind, ["provider"] = "acme", ["secret"] = JsonNode.Parse(secret),
            ["rateLimit"] = new JsonObject { ["perSecond"] = 2.5, ["burst"] = 5 },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"/api/connections/{view["id"]}", response.Headers.Location?.ToString());
        Assert.Equal(ViewFields.Order(StringComparer.Ordinal), view.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Work", (string?)view["name"]);
        Assert.Equal(kind, (string?)view["kind"]);
        Assert.Equal("acme", (string?)view["provider"]);
        Assert.Equal("connected", (string?)view["status"]);
        Assert.True((bool)view["hasSecret"]!);
        Assert.Equal(2.5, (double)view["rateLimit"]!["perSecond"]!);
        Assert.Equal(5, (int)view["rateLimit"]!["burst"]!);
        var fetched = await client.GetFromJsonAsync<JsonObject>($"/api/connections/{view["id"]}");
        Assert.Equal(view.ToJsonString(), fetched!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"name":"n","kind":"password","secret":{}}""", "kind")]
    [InlineData("""{"name":"n","kind":"oauth2","secret":{}}""", "kind")]
    [InlineData("""{"kind":"bearer","secret":{"token":"t"}}""", "name")]
    [InlineData("""{"name":"n","kind":"bearer"}""", "secret")]
    [InlineData("""{"name":"n","kind":"apiKey","secret":{}}""", "secret.key")]
    [InlineData("""{"name":"n","kind":"apiKey","secret":{"key":"k","token":"t"}}""", "secret.token")]
    [InlineData("""{"name":"n","kind":"bearer","secret":{"token":"a\nb"}}""", "secret.token")]
    [InlineData("""{"name":"n","kind":"basic","secret":{"username":"ada","password":5}}""", "secret.password")]
    [InlineData("""{"name":"n","kind":"basic","secret":{}}""", "secret.username")]
    [InlineData("""{"name":"n","kind":"basic","secret":{"username":"a:b","password":"p"}}""", "secret.username")]
    [InlineData("""{"name":"n","kind":"basic","secret":{"username":"","password":""}}""", "secret.username")]
    [InlineData("""{"name":"n","kind":"basic","provider":"github","secret":{"username":"","password":""}}""", "secret.username")]
    [InlineData("""{"name":"n","kind":"headers","secret":{"headers":{}}}""", "secret.headers")]
    [InlineData("""{"name":"n","kind":"headers","secret":{"headers":{"Host":"evil"}}}""", "secret.headers.Host")]
    [InlineData("""{"name":"n","kind":"headers","secret":{"headers":{"X-A":1}}}""", "secret.headers.X-A")]
    [InlineData("""{"name":"n","kind":"apiKey","secret":{"key":"k"},"settings":{"in":"cookie"}}""", "settings.in")]
    [InlineData("""{"name":"n","kind":"apiKey","secret":{"key":"k"},"settings":{"name":"bad name"}}""", "settings.name")]
    [InlineData("""{"name":"n","kind":"bearer","secret":{"token":"t"},"provider":"Not Valid"}""", "provider")]
    [InlineData("""{"name":"n","kind":"bearer","secret":{"token":"t"},"rateLimit":{"perSecond":0,"burst":1}}""", "rateLimit.perSecond")]
    [InlineData("""{"name":"n","kind":"bearer","secret":{"token":"t"},"rateLimit":{"perSecond":1}}""", "rateLimit.burst")]
    public async Task Create_BadInput_Returns400NamingTheField(string body, string field)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsync("/api/connections", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, (string?)problem["field"]);
        Assert.Empty(await client.GetFromJsonAsync<JsonObject>("/api/connections") is { } list ? list["items"]!.AsArray() : []);
    }

    [Fact]
    public async Task Create_BasicWithOneSideEmpty_OrAnSmtpRelayWithoutLogin_IsSaved()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        // A key sent as the password with no user name (as some APIs take it), a user name with no password, and an SMTP
        // relay that takes mail without a login (its provider asks for neither).
        var passwordOnly = await client.PostAsJsonAsync("/api/connections",
            new { name = "key as password", kind = "basic", secret = new { password = "k-1" } });
        var userOnly = await client.PostAsJsonAsync("/api/connections",
            new { name = "user only", kind = "basic", secret = new { username = "ada", password = "" } });
        var relay = await client.PostAsJsonAsync("/api/connections",
            new { name = "office relay", kind = "basic", provider = "smtp", secret = new { },
                settings = new { host = "relay.example.com", port = 25, security = "none" } });

        Assert.Equal(HttpStatusCode.Created, passwordOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Created, userOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Created, relay.StatusCode);
        var saved = await relay.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("smtp", (string?)saved!["provider"]);
        Assert.Null(saved["secret"]);

        var emptied = await client.PatchAsJsonAsync($"/api/connections/{(await userOnly.Content.ReadFromJsonAsync<JsonObject>())!["id"]}",
            new { secret = new { username = "", password = "" } });
        Assert.Equal("secret.username", (string?)(await ProblemAsync(emptied, HttpStatusCode.BadRequest))["field"]);
    }

    [Fact]
    public async Task Create_TooLargeSecretOrName_Returns400NamingTheSetting()
    {
        await using var server = await StartServerAsync(null, "--Connections:MaxSecretBytes=64", "--Connections:MaxNameLength=10");
        using var client = await server.CreateUserClientAsync();

        var secret = await ProblemAsync(await client.PostAsJsonAsync("/api/connections",
            new { name = "n", kind = "bearer", secret = new { token = new string('t', 100) } }), HttpStatusCode.BadRequest);
        var name = await ProblemAsync(await client.PostAsJsonAsync("/api/connections",
            new { name = new string('n', 11), kind = "bearer", secret = new { token = "t" } }), HttpStatusCode.BadRequest);

        Assert.Equal("secret", (string?)secret["field"]);
        Assert.Contains("Connections:MaxSecretBytes", (string?)secret["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain(new string('t', 100), (string?)secret["detail"], StringComparison.Ordinal);
        Assert.Equal("name", (string?)name["field"]);
        Assert.Contains("Connections:MaxNameLength", (string?)name["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OverMaxPerUser_Returns409AndOtherUsersAreNotCounted()
    {
        await using var server = await StartServerAsync(null, "--Connections:MaxPerUser=2");
        using var client = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        var body = new { name = "n", kind = "bearer", secret = new { token = "t" } };
        await CreateAsync(client, body);
        await CreateAsync(client, body);

        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/connections", body), HttpStatusCode.Conflict);

        Assert.Contains("Connections:MaxPerUser", (string?)problem["detail"], StringComparison.Ordinal);
        await CreateAsync(other, body);
    }

    [Fact]
    public async Task List_WithProvider_KeepsThatProvidersConnectionsOfTheUserOnly()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        var slack = await CreateAsync(client, new { name = "b slack", kind = "bearer", provider = "slack", secret = new { token = "t" } });
        var plain = await CreateAsync(client, new { name = "a plain", kind = "bearer", secret = new { token = "t" } });
        await CreateAsync(other, new { name = "theirs", kind = "bearer", provider = "slack", secret = new { token = "t" } });

        var all = await client.GetFromJsonAsync<JsonObject>("/api/connections");
        var slackOnly = await client.GetFromJsonAsync<JsonObject>("/api/connections?provider=slack");

        Assert.Equal([(string?)plain["id"], (string?)slack["id"]], all!["items"]!.AsArray().Select(i => (string?)i!["id"]));
        Assert.Equal([(string?)slack["id"]], slackOnly!["items"]!.AsArray().Select(i => (string?)i!["id"]));
    }

    [Fact]
    public async Task EveryRoute_AnotherUsersConnection_Returns404AndChangesNothing()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(owner, new { name = "mine", kind = "bearer", secret = new { token = "t" } }))["id"]!;

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PatchAsJsonAsync($"/api/connections/{id}", new { name = "taken" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/connections/{id}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/connections/{id}")).StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonObject>("/api/connections"))!["items"]!.AsArray());

        Assert.Equal("mine", (string?)(await owner.GetFromJsonAsync<JsonObject>($"/api/connections/{id}"))!["name"]);
    }

    [Fact]
    public async Task Patch_RenameAndNewSecret_StoresBothAndSealsTheNewSecret()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var created = await CreateAsync(client, new { name = "old", kind = "apiKey", secret = new { key = "k-old" } });
        var id = Guid.Parse((string)created["id"]!);

        var response = await client.PatchAsJsonAsync($"/api/connections/{id}",
            new { name = "new", secret = new { key = "k-new" }, settings = new { @in = "query", name = "api_key" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("new", (string?)view["name"]);
        Assert.Equal("query", (string?)view["settings"]!["in"]);
        var stored = await server.App.Services.GetRequiredService<IConnectionStore>().GetConnectionAsync(UserIdOf(client), id, CancellationToken.None);
        Assert.Equal("k-new", server.App.Services.GetRequiredService<ISecretProtector>().Unprotect(stored!.ProtectedSecret)["key"]);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Patch_BadSecretOrUnknownField_Returns400AndKeepsTheConnection()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(client, new { name = "kept", kind = "basic", secret = new { username = "u", password = "p" } }))["id"]!;

        var secret = await ProblemAsync(await client.PatchAsJsonAsync($"/api/connections/{id}", new { name = "changed", secret = new { username = "u", password = 5 } }), HttpStatusCode.BadRequest);
        var kind = await ProblemAsync(await client.PatchAsJsonAsync($"/api/connections/{id}", new { kind = "bearer" }), HttpStatusCode.BadRequest);

        Assert.Equal("secret.password", (string?)secret["field"]);
        Assert.Equal("kind", (string?)kind["field"]);
        Assert.Equal("kept", (string?)(await client.GetFromJsonAsync<JsonObject>($"/api/connections/{id}"))!["name"]);
    }

    [Fact]
    public async Task Test_WithoutAProviderTestUrl_IsOkWhenTheSecretOpens()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(client, new { name = "n", kind = "bearer", secret = new { token = "t" } }))["id"]!;

        var result = await client.PostAsync($"/api/connections/{id}/test", null);

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var body = (await result.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((bool)body["ok"]!);
        Assert.False(body.ContainsKey("status"));
    }

    [Fact]
    public async Task Test_ProviderWithATestUrl_CallsItWithTheCredentialAndReportsItsStatus()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/whoami", (HttpContext c) =>
            c.Request.Headers.Authorization == "Bearer good" ? Results.Ok() : Results.Unauthorized()));
        var urls = new FixedTestUrls(new Uri(target.Address, "/whoami"));
        await using var server = await StartServerAsync(b => b.Services.AddSingleton<IProviderTestUrls>(urls), "--Http:AllowedHosts:0=127.0.0.1");
        using var client = await server.CreateUserClientAsync();
        var good = (string)(await CreateAsync(client, new { name = "g", kind = "bearer", provider = "acme", secret = new { token = "good" } }))["id"]!;
        var bad = (string)(await CreateAsync(client, new { name = "b", kind = "bearer", provider = "acme", secret = new { token = "bad" } }))["id"]!;

        var accepted = await (await client.PostAsync($"/api/connections/{good}/test", null)).Content.ReadFromJsonAsync<JsonObject>();
        var refused = await (await client.PostAsync($"/api/connections/{bad}/test", null)).Content.ReadFromJsonAsync<JsonObject>();

        Assert.True((bool)accepted!["ok"]!);
        Assert.Equal(200, (int)accepted["status"]!);
        Assert.False((bool)refused!["ok"]!);
        Assert.Equal(401, (int)refused["status"]!);
        Assert.Equal(2, target.Requests.Count);
    }

    [Fact]
    public async Task Test_ConnectionWithItsOwnBaseUrl_IsTestedThereAndItsKeyNeverGoesToTheProvidersServer()
    {
        static IResult Models(HttpContext c) => c.Request.Headers.Authorization == "Bearer local-key" ? Results.Ok(new { data = Array.Empty<object>() }) : Results.Unauthorized();
        await using var provider = await LocalHttpServer.StartAsync(app => app.MapGet("/v1/models", Models));
        await using var local = await LocalHttpServer.StartAsync(app => app.MapGet("/v1/models", Models));
        await using var server = await StartServerAsync(null, "--Http:AllowedHosts:0=127.0.0.1",
            $"--Connections:Providers:openai:ApiBaseUrl={new Uri(provider.Address, "/v1")}",
            $"--Connections:Providers:openai:TestUrl={new Uri(provider.Address, "/v1/models")}");
        using var client = await server.CreateUserClientAsync();
        var own = (string)(await CreateAsync(client, new
        {
            name = "Local model", kind = "bearer", provider = "openai", secret = new { token = "local-key" }, settings = new { baseUrl = new Uri(local.Address, "/v1").ToString() },
        }))["id"]!;
        var plain = (string)(await CreateAsync(client, new { name = "OpenAI", kind = "bearer", provider = "openai", secret = new { token = "local-key" } }))["id"]!;

        var ownTest = await (await client.PostAsync($"/api/connections/{own}/test", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)ownTest!["ok"]!);
        Assert.Equal(["/v1/models"], local.Requests.Select(r => r.PathAndQuery));
        Assert.Empty(provider.Requests);

        var plainTest = await (await client.PostAsync($"/api/connections/{plain}/test", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)plainTest!["ok"]!);
        Assert.Single(provider.Requests);
        Assert.Single(local.Requests);
    }

    [Fact]
    public async Task Delete_WithARevoker_RevokesThenDeletesEvenWhenTheRevokerFails()
    {
        var revoker = new RecordingRevoker();
        await using var server = await StartServerAsync(b => b.Services.AddSingleton<IConnectionRevoker>(revoker));
        using var client = await server.CreateUserClientAsync();
        var first = (string)(await CreateAsync(client, new { name = "a", kind = "bearer", secret = new { token = "t" } }))["id"]!;
        var second = (string)(await CreateAsync(client, new { name = "b", kind = "bearer", secret = new { token = "t" } }))["id"]!;

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/connections/{first}")).StatusCode);
        revoker.Fail = true;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/connections/{second}")).StatusCode);

        Assert.Equal([Guid.Parse(first), Guid.Parse(second)], revoker.Revoked);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/connections/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/connections/{second}")).StatusCode);
    }

    [Fact]
    public async Task Routes_WithoutSignIn_Return401()
    {
        var server = shared.Server;
        using var anonymous = server.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/connections")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/connections", new { name = "n" })).StatusCode);
    }

    /// <summary>The subject of the client's bearer token: the user's id.</summary>
    internal static Guid UserIdOf(HttpClient client) =>
        Guid.Parse(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(client.DefaultRequestHeaders.Authorization!.Parameter).Subject);

    private sealed class FixedTestUrls(Uri url) : IProviderTestUrls
    {
        public Uri? TestUrlFor(string provider, string? baseUrl) => provider == "acme" ? url : null;
    }

    private sealed class RecordingRevoker : IConnectionRevoker
    {
        private readonly ConcurrentQueue<Guid> _revoked = new();

        public bool Fail { get; set; }

        public IReadOnlyList<Guid> Revoked => [.. _revoked];

        public Task<bool> RevokeAsync(ConnectionRecord connection, CancellationToken cancellationToken)
        {
            _revoked.Enqueue(connection.Id);
            return Fail ? throw new HttpRequestException("provider down") : Task.FromResult(true);
        }
    }
}
