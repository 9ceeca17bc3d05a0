using System.Net;
using System.Net.Http.Json;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class SetupEndpointsTests
{
    [Fact]
    public async Task Setup_EmptyServer_NeedsOwnerThenCreatesAndSignsInTheOwner()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new BrowserClient(server);

        var before = await BrowserClient.JsonAsync(await browser.GetAsync("/api/setup"));
        var created = await browser.PostAsync("/api/setup", new { email = "Owner@Example.com", password = BrowserClient.Password });
        var after = await BrowserClient.JsonAsync(await browser.GetAsync("/api/setup"));
        var session = await browser.GetAsync("/api/session");

        Assert.True(before["needsOwner"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var owner = await BrowserClient.JsonAsync(created);
        Assert.Equal("owner@example.com", owner["email"]!.GetValue<string>());
        Assert.True(owner["isOwner"]!.GetValue<bool>());
        Assert.Equal(browser.Cookies["XSRF-TOKEN"], owner["csrfToken"]!.GetValue<string>());
        Assert.False(after["needsOwner"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.True((await BrowserClient.JsonAsync(session))["isOwner"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Setup_Again_Is409AndCreatesNoAccount()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new BrowserClient(server);
        (await browser.PostAsync("/api/setup", new { email = "owner@example.com", password = BrowserClient.Password })).EnsureSuccessStatusCode();
        using var stranger = new BrowserClient(server);

        var second = await stranger.PostAsync("/api/setup", new { email = "intruder@example.com", password = BrowserClient.Password });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync("/api/session", new { email = "intruder@example.com", password = BrowserClient.Password })).StatusCode);
    }

    [Fact]
    public async Task Setup_AfterAnAccountWasRegistered_Is409()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();

        var setup = await client.PostAsJsonAsync("/api/setup", new { email = "owner@example.com", password = BrowserClient.Password });

        Assert.Equal(HttpStatusCode.Conflict, setup.StatusCode);
        Assert.False((await BrowserClient.JsonAsync(await client.GetAsync("/api/setup")))["needsOwner"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Setup_Concurrently_CreatesOneOwner()
    {
        await using var server = await TestServer.StartAsync();
        var browsers = Enumerable.Range(0, 6).Select(_ => new BrowserClient(server)).ToList();
        try
        {
            var responses = await Task.WhenAll(browsers.Select((b, i) => b.PostAsync("/api/setup", new { email = $"owner{i}@example.com", password = BrowserClient.Password })));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task Setup_WithRegistrationClosed_StillCreatesTheOwner()
    {
        await using var server = await TestServer.StartAsync("--Auth:AllowRegistration=false");
        using var browser = new BrowserClient(server);

        var created = await browser.PostAsync("/api/setup", new { email = "owner@example.com", password = BrowserClient.Password });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Theory]
    [InlineData("not-an-email", "long enough pw", "email")]
    [InlineData("owner@example.com", "short", "password")]
    public async Task Setup_BadInput_Is400NamingTheFieldAndStillNeedsOwner(string email, string password, string field)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new BrowserClient(server);

        var response = await browser.PostAsync("/api/setup", new { email, password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await BrowserClient.JsonAsync(response))["field"]!.GetValue<string>());
        Assert.True((await BrowserClient.JsonAsync(await browser.GetAsync("/api/setup")))["needsOwner"]!.GetValue<bool>());
    }
}
