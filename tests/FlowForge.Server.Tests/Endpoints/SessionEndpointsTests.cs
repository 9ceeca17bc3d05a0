using System.Net;
using System.Net.Http.Json;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class SessionEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task SignIn_OverLoopbackHttp_SetsHttpOnlyStrictSessionCookieAndReadableCsrfCookie()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);

        var session = browser.Received.Last(c => c.Name == "ff_session");
        var csrf = browser.Received.Last(c => c.Name == "XSRF-TOKEN");

        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, session.SameSite);
        Assert.Equal("/", session.Path.ToString());
        Assert.False(session.Secure);
        Assert.False(csrf.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, csrf.SameSite);
        Assert.Equal("/", csrf.Path.ToString());
        Assert.DoesNotContain(browser.Received, c => c.Name.ToString().StartsWith("__Host-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_ToANonLoopbackHost_SetsSecureHostPrefixedCookiesThatWork()
    {
        var server = shared.Server;
        using var browser = new BrowserClient(server, host: "flowforge.example");
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        (await browser.PostAsync("/api/auth/register", new { email, password = BrowserClient.Password })).EnsureSuccessStatusCode();

        var signIn = await browser.PostAsync("/api/session", new { email, password = BrowserClient.Password });

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var session = browser.Received.Last(c => c.Name == "__Host-ff_session");
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Null(session.Domain.Value);
        Assert.True(browser.Received.Last(c => c.Name == "XSRF-TOKEN").Secure);
        Assert.DoesNotContain(browser.Received, c => c.Name == "ff_session");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task Get_WithSessionCookie_ReturnsTheUserAndAuthenticatesTheApi()
    {
        var server = shared.Server;
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        using var browser = await BrowserClient.SignedInAsync(server, email);

        var session = await browser.GetAsync("/api/session");
        var flows = await browser.GetAsync("/api/flows");

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var user = await BrowserClient.JsonAsync(session);
        Assert.Equal(email, user["email"]!.GetValue<string>());
        Assert.False(user["isOwner"]!.GetValue<bool>());
        Assert.Equal(browser.Cookies["XSRF-TOKEN"], user["csrfToken"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, flows.StatusCode);
    }

    [Fact]
    public async Task Get_AfterTheCsrfCookieWasLost_SetsItAgain()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        var csrf = browser.Cookies["XSRF-TOKEN"];
        browser.Cookies.Remove("XSRF-TOKEN");

        var session = await browser.GetAsync("/api/session");

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal(csrf, browser.Cookies["XSRF-TOKEN"]);
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync("/api/flows", Flows.Diamond())).StatusCode);
    }

    [Fact]
    public async Task Get_WithoutSession_Is401()
    {
        var server = shared.Server;
        using var browser = new BrowserClient(server);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPassword_Is401AndSetsNoCookie()
    {
        var server = shared.Server;
        using var browser = new BrowserClient(server);
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        (await browser.PostAsync("/api/auth/register", new { email, password = BrowserClient.Password })).EnsureSuccessStatusCode();

        var response = await browser.PostAsync("/api/session", new { email, password = "not the password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(browser.Cookies);
    }

    [Fact]
    public async Task SignIn_SharesTheSignInRateLimitWithTokens()
    {
        await using var server = await TestServer.StartAsync("--RateLimits:SignInBurst=2", "--RateLimits:SignInPerMinute=0.01");
        using var browser = new BrowserClient(server);
        var wrong = new { email = "ada@example.com", password = "not the password" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/api/auth/token", wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/api/session", wrong)).StatusCode);

        var limited = await browser.PostAsync("/api/session", wrong);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task UnsafeRequest_WithSessionCookieAndNoCsrfHeader_Is403NamingTheHeader()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        browser.SendCsrf = false;

        var response = await browser.PostAsync("/api/flows", Flows.Diamond());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("X-CSRF-Token", (await BrowserClient.JsonAsync(response))["field"]!.GetValue<string>());
        Assert.Empty((await BrowserClient.JsonAsync(await browser.GetAsync("/api/flows")))["items"]!.AsArray());
    }

    [Fact]
    public async Task UnsafeRequest_WithSessionCookieAndAWrongCsrfHeader_Is403()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        using var other = await BrowserClient.SignedInAsync(server);
        browser.Cookies["XSRF-TOKEN"] = other.Cookies["XSRF-TOKEN"];

        var response = await browser.PostAsync("/api/flows", Flows.Diamond());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UnsafeRequest_WithSessionCookieAndCsrfHeader_Succeeds()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);

        var response = await browser.PostAsync("/api/flows", Flows.Diamond());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task UnsafeRequest_WithBearerToken_NeedsNoCsrfHeader()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsJsonAsync("/api/flows", Flows.Diamond());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_WithSessionCookieAndNoCsrfHeader_IsNotRefusedForCsrf()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        browser.SendCsrf = false;

        var response = await browser.PostAsync("/hooks/no-such-key", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_RevokesTheSession_TheOldCookieIsRefused()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        var oldCookies = new Dictionary<string, string>(browser.Cookies);

        var signOut = await browser.DeleteAsync("/api/session");

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.DoesNotContain("ff_session", browser.Cookies.Keys);
        Assert.DoesNotContain("XSRF-TOKEN", browser.Cookies.Keys);
        foreach (var (name, value) in oldCookies)
        {
            browser.Cookies[name] = value;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task SignIn_Again_RevokesTheSessionItCameWith()
    {
        var server = shared.Server;
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        using var browser = await BrowserClient.SignedInAsync(server, email);
        var oldCookies = new Dictionary<string, string>(browser.Cookies);

        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/api/session", new { email, password = BrowserClient.Password })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/session")).StatusCode);
        using var replay = new BrowserClient(server);
        foreach (var (name, value) in oldCookies)
        {
            replay.Cookies[name] = value;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutCsrfHeader_Is403AndTheSessionLivesOn()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        browser.SendCsrf = false;

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.DeleteAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task Session_IdleLongerThanSessionIdleMinutes_Expires()
    {
        var clock = new AdjustableTimeProvider();
        await using var server = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), "--Auth:SessionIdleMinutes=10");
        using var browser = await BrowserClient.SignedInAsync(server);

        clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task Session_UsedWithinTheIdleWindow_SlidesButEndsAtSessionMaxHours()
    {
        var clock = new AdjustableTimeProvider();
        await using var server = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), "--Auth:SessionIdleMinutes=40", "--Auth:SessionMaxHours=1");
        using var browser = await BrowserClient.SignedInAsync(server);

        // 25, 50 minutes: each request past half the idle window renews the cookie, so the session outlives 40 minutes.
        for (var step = 1; step <= 2; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(25));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/session")).StatusCode);
        }

        // 75 minutes: active, and within the idle window of the last renewal, but past the one-hour maximum.
        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task SignOut_OnOneProcess_IsRefusedByAnotherProcessOfTheSameDatabase()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] shared = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}"];
        await using var first = await TestServer.StartAsync(shared);
        await using var second = await TestServer.StartAsync(shared);
        using var onFirst = await BrowserClient.SignedInAsync(first);
        using var onSecond = new BrowserClient(second);
        foreach (var (name, value) in onFirst.Cookies)
        {
            onSecond.Cookies[name] = value;
        }

        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await onFirst.DeleteAsync("/api/session")).StatusCode);

        await Eventually.MatchesAsync(
            async () => (await onSecond.GetAsync("/api/session")).StatusCode,
            status => status == HttpStatusCode.Unauthorized,
            "the second process to refuse the signed-out session",
            TimeSpan.FromSeconds(10));
    }
}
