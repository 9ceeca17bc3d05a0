using System.Net;
using System.Text;
using FlowForge.Engine.Credentials;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// The OAuth connect round trip. Each test that connects, stores or calls the provider starts its own harness (a server,
/// a provider that records its calls and one signed-in user); the refused starts share one.
/// </summary>
public sealed class OAuthEndpointsTests(OAuthHarnessFixture refusals) : IClassFixture<OAuthHarnessFixture>
{
    private static readonly string[] RequestedScopes = ["email", "sheets"];

    [Fact]
    public async Task RoundTrip_StartAuthorizeCallback_StoresConnectionWithSealedTokensScopesAndExpiry()
    {
        await using var h = await OAuthHarness.StartAsync();

        var authorizeUrl = await h.StartAsync(body: new { name = "Work Google", scopes = RequestedScopes });
        var binding = Assert.Single(h.Browser.Received, c => c.Name.ToString().StartsWith("ff_oauth_", StringComparison.Ordinal));
        Assert.True(binding.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, binding.SameSite);
        Assert.Equal("/oauth/callback", binding.Path.ToString());

        var callback = await h.AuthorizeAsync(authorizeUrl);
        var sent = Assert.Single(h.Provider.AuthorizeRequests);
        Assert.Equal("S256", sent["code_challenge_method"]);
        Assert.Equal("offline", sent["access_type"]);
        Assert.Equal("consent", sent["prompt"]);
        Assert.Equal("email sheets", sent["scope"]);
        Assert.True(WebEncoders.Base64UrlDecode(sent["state"]).Length >= 16);
        Assert.Equal(new Uri(h.Server.Address, "/oauth/callback").ToString(), sent["redirect_uri"]);

        var landing = await h.CallbackAsync(callback);

        var connection = Assert.Single(await h.AllAsync());
        Assert.Equal($"/connections?connected={connection.Id}", landing);
        Assert.Equal("Work Google", connection.Name);
        Assert.Equal("google", connection.Provider);
        Assert.Equal(ConnectionKind.OAuth2, connection.Kind);
        Assert.Equal(ConnectionStatus.Connected, connection.Status);
        Assert.Equal(["email", "sheets"], connection.Scopes);
        Assert.NotNull(connection.ExpiresAt);
        Assert.InRange(connection.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));

        var exchange = h.Provider.TokenRequests.Single(r => r["grant_type"] == "authorization_code");
        Assert.Equal(64, exchange["code_verifier"].Length);
        var secret = h.Protector.Unprotect(connection.ProtectedSecret);
        Assert.StartsWith("at-", secret[OAuthSecretFields.AccessToken], StringComparison.Ordinal);
        Assert.StartsWith("rt-", secret[OAuthSecretFields.RefreshToken], StringComparison.Ordinal);
        var sealedText = Encoding.Latin1.GetString(connection.ProtectedSecret);
        Assert.DoesNotContain(secret[OAuthSecretFields.AccessToken], sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[OAuthSecretFields.RefreshToken], sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Browser.Cookies.Keys, k => k.StartsWith("ff_oauth_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoundTrip_ConnectionView_ShowsScopesAndExpiryButNoToken()
    {
        await using var h = await OAuthHarness.StartAsync();
        await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync(body: new { name = "Work Google", scopes = RequestedScopes })));
        var connection = Assert.Single(await h.AllAsync());
        var secret = h.Protector.Unprotect(connection.ProtectedSecret);

        var response = await h.Browser.GetAsync($"/api/connections/{connection.Id}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await BrowserClient.JsonAsync(response);
        Assert.Equal("oauth2", view["kind"]!.GetValue<string>());
        Assert.Equal("connected", view["status"]!.GetValue<string>());
        Assert.Equal(RequestedScopes, view["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(view["expiresAt"]);
        Assert.DoesNotContain(secret[OAuthSecretFields.AccessToken], text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[OAuthSecretFields.RefreshToken], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OAuthConnection_RevokesItsTokenAtTheProvider()
    {
        await using var h = await OAuthHarness.StartAsync();
        await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync()));
        var connection = Assert.Single(await h.AllAsync());
        var refresh = h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.RefreshToken];

        Assert.Equal(HttpStatusCode.NoContent, (await h.Browser.DeleteAsync($"/api/connections/{connection.Id}")).StatusCode);

        Assert.Equal([refresh], h.Provider.Revoked);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task RoundTrip_PopupMode_RedirectsToTheDonePage()
    {
        await using var h = await OAuthHarness.StartAsync();

        var landing = await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync(body: new { mode = "popup" })));

        Assert.Equal($"/connections/done?id={Assert.Single(await h.AllAsync()).Id}", landing);
    }

    [Fact]
    public async Task TokenEndpoint_WrongPkceVerifier_RefusesTheCode()
    {
        await using var h = await OAuthHarness.StartAsync();
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        using var client = new HttpClient();

        using var response = await client.PostAsync(h.Provider.Url("token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = new Uri(h.Server.Address, "/oauth/callback").ToString(),
            ["client_id"] = h.Provider.ClientId, ["client_secret"] = h.Provider.ClientSecret, ["code_verifier"] = new string('x', 64),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("PKCE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_ProviderRefusesTheCode_RedirectsWithReasonAndStoresNothing()
    {
        await using var h = await OAuthHarness.StartAsync();
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        // The code is spent before the server can exchange it.
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var forged = callback.ToString().Replace(code, "code-unknown", StringComparison.Ordinal);

        var landing = await h.CallbackAsync(new Uri(forged));

        Assert.StartsWith("/connections?error=refused", landing, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", Uri.UnescapeDataString(landing), StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task Callback_TamperedState_IsRefusedAndNothingStored()
    {
        await using var h = await OAuthHarness.StartAsync();
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var tampered = callback.ToString().Replace(state, state[..^2] + (state[^2] == 'A' ? "BB" : "AA"), StringComparison.Ordinal);

        var landing = await h.CallbackAsync(new Uri(tampered));

        Assert.StartsWith("/connections?error=invalid_state", landing, StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
        Assert.DoesNotContain(h.Provider.TokenRequests, r => r["grant_type"] == "authorization_code");
    }

    [Fact]
    public async Task Callback_StateReplayed_IsRefusedTheSecondTime()
    {
        await using var h = await OAuthHarness.StartAsync();
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        var cookies = new Dictionary<string, string>(h.Browser.Cookies);
        Assert.StartsWith("/connections?connected=", await h.CallbackAsync(callback), StringComparison.Ordinal);
        foreach (var (name, value) in cookies)
        {
            h.Browser.Cookies[name] = value;
        }

        var replay = await h.CallbackAsync(callback);

        Assert.StartsWith("/connections?error=invalid_state", replay, StringComparison.Ordinal);
        Assert.Single(await h.AllAsync());
    }

    [Fact]
    public async Task Callback_WithoutTheBindingCookie_IsRefused()
    {
        await using var h = await OAuthHarness.StartAsync();
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        foreach (var name in h.Browser.Cookies.Keys.Where(k => k.StartsWith("ff_oauth_", StringComparison.Ordinal)).ToList())
        {
            h.Browser.Cookies.Remove(name);
        }

        var landing = await h.CallbackAsync(callback);

        Assert.StartsWith("/connections?error=wrong_browser", landing, StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task Callback_FromAnotherBrowser_IsRefused()
    {
        await using var h = await OAuthHarness.StartAsync();
        using var other = await BrowserClient.SignedInAsync(h.Server);
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        // The other browser has a binding cookie of its own sign-in, not of this one.
        var response = await other.PostAsync("/api/connections/oauth/google/start", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var landing = await h.CallbackAsync(callback, other);

        Assert.StartsWith("/connections?error=wrong_browser", landing, StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task Callback_AfterTheStateExpired_IsRefused()
    {
        var clock = new AdjustableTimeProvider();
        await using var h = await OAuthHarness.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), "--Connections:OAuthStateMinutes=5");
        var callback = await h.AuthorizeAsync(await h.StartAsync());

        clock.Advance(TimeSpan.FromMinutes(6));
        var landing = await h.CallbackAsync(callback);

        Assert.StartsWith("/connections?error=expired_state", landing, StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task Callback_AccessDenied_RedirectsWithTheErrorAndStoresNothing()
    {
        await using var h = await OAuthHarness.StartAsync();
        h.Provider.DenyNextAuthorization = true;

        var landing = await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync()));

        Assert.StartsWith("/connections?error=access_denied", landing, StringComparison.Ordinal);
        Assert.Empty(await h.AllAsync());
    }

    [Fact]
    public async Task Start_ReconnectingABrokenConnection_ReplacesItsTokensAndClearsBroken()
    {
        await using var h = await OAuthHarness.StartAsync();
        await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync()));
        var first = Assert.Single(await h.AllAsync());
        Assert.True(await h.Store.UpdateConnectionAsync(first with { Status = ConnectionStatus.Broken, StatusReason = "invalid_grant", Version = first.Version + 1 }, first.Version, CancellationToken.None));

        var landing = await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync(body: new { connectionId = first.Id })));

        var again = Assert.Single(await h.AllAsync());
        Assert.Equal($"/connections?connected={first.Id}", landing);
        Assert.Equal(ConnectionStatus.Connected, again.Status);
        Assert.Null(again.StatusReason);
        Assert.NotEqual(h.Protector.Unprotect(first.ProtectedSecret)[OAuthSecretFields.AccessToken], h.Protector.Unprotect(again.ProtectedSecret)[OAuthSecretFields.AccessToken]);
    }

    [Fact]
    public async Task RoundTrip_GenericProvider_UsesTheUsersAppAndSealsItsSecret()
    {
        await using var h = await OAuthHarness.StartAsync();
        var authorizeUrl = await h.StartAsync("generic-oauth2", new
        {
            name = "My IdP",
            generic = new
            {
                authorizeUrl = h.Provider.Url("authorize"), tokenUrl = h.Provider.Url("token"), revokeUrl = h.Provider.Url("revoke"),
                clientId = h.Provider.ClientId, clientSecret = h.Provider.ClientSecret, scopes = "read write",
            },
        });

        await h.CallbackAsync(await h.AuthorizeAsync(authorizeUrl));

        var connection = Assert.Single(await h.AllAsync());
        Assert.Equal("generic-oauth2", connection.Provider);
        Assert.Contains(h.Provider.Url("token"), connection.SettingsJson!, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Provider.ClientSecret, connection.SettingsJson!, StringComparison.Ordinal);
        Assert.Equal(h.Provider.ClientSecret, h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.ClientSecret]);
        Assert.Equal(["read", "write"], connection.Scopes);
        // The generic provider sends the client's credentials in a basic header.
        Assert.StartsWith("Basic ", h.Provider.Requests.Last(r => r.PathAndQuery == "/token").Headers["authorization"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope", "{}", 404, null)]
    [InlineData("smtp", "{}", 400, "provider")]
    [InlineData("microsoft", "{}", 409, null)]
    [InlineData("google", """{"scopes":"a b","name":""}""", 400, "name")]
    [InlineData("google", """{"scopes":[1]}""", 400, "scopes")]
    [InlineData("google", """{"mode":"window"}""", 400, "mode")]
    [InlineData("google", """{"connectionId":"x"}""", 400, "connectionId")]
    [InlineData("google", """{"connectionId":"0190e8a4-0000-7000-8000-000000000000"}""", 400, "connectionId")]
    [InlineData("google", """{"generic":{}}""", 400, "generic")]
    [InlineData("generic-oauth2", "{}", 400, "generic")]
    [InlineData("generic-oauth2", """{"generic":{"authorizeUrl":"ftp://x","tokenUrl":"http://127.0.0.1/t","clientId":"a","clientSecret":"b"}}""", 400, "generic.authorizeUrl")]
    [InlineData("generic-oauth2", """{"generic":{"authorizeUrl":"http://127.0.0.1/a","tokenUrl":"http://127.0.0.1/t","clientId":"a"}}""", 400, "generic.clientSecret")]
    public async Task Start_BadInput_Is4xxNamingTheField(string provider, string body, int status, string? field)
    {
        var h = refusals.Harness;
        var response = await h.Browser.SendAsync(HttpMethod.Post, $"/api/connections/oauth/{provider}/start", System.Text.Json.Nodes.JsonNode.Parse(body));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.Equal(field, (await BrowserClient.JsonAsync(response))["field"]!.GetValue<string>());
        }

        Assert.Empty(await h.AllAsync());
        Assert.Empty(h.Provider.Requests);
    }

    [Fact]
    public async Task Start_WithoutSignIn_Is401()
    {
        var h = refusals.Harness;
        using var anonymous = h.Server.CreateClient();

        var response = await anonymous.PostAsync("/api/connections/oauth/google/start", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
