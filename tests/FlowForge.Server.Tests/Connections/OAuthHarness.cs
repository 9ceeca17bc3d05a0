using System.Net;
using FlowForge.Engine.Credentials;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// A server whose <c>google</c> provider points at a <see cref="LocalOAuthProvider"/>, a signed-in browser, and the
/// steps of the round trip.
/// </summary>
public sealed class OAuthHarness : IAsyncDisposable
{
    private readonly HttpClient _noRedirects = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private OAuthHarness(LocalOAuthProvider provider, TestServer server, BrowserClient browser, Guid userId)
    {
        Provider = provider;
        Server = server;
        Browser = browser;
        UserId = userId;
        Store = server.App.Services.GetRequiredService<IConnectionStore>();
        Protector = server.App.Services.GetRequiredService<ISecretProtector>();
    }

    public LocalOAuthProvider Provider { get; }

    public TestServer Server { get; }

    public BrowserClient Browser { get; }

    /// <summary>The signed-in user.</summary>
    public Guid UserId { get; }

    public IConnectionStore Store { get; }

    public ISecretProtector Protector { get; }

    /// <summary>The signed-in user's connections, as stored.</summary>
    public Task<IReadOnlyList<ConnectionRecord>> AllAsync() => Store.ListConnectionsAsync(UserId, CancellationToken.None);

    public static async Task<OAuthHarness> StartAsync(Action<WebApplicationBuilder>? configure = null, params string[] settings)
    {
        var provider = await LocalOAuthProvider.StartAsync();
        var server = await TestServer.StartAsync(configure, [.. ProviderSettings(provider, "google"), .. settings]);
        var browser = await BrowserClient.SignedInAsync(server);
        var userId = (await BrowserClient.JsonAsync(await browser.GetAsync("/api/session")))["id"]!.GetValue<Guid>();
        return new OAuthHarness(provider, server, browser, userId);
    }

    public static string[] ProviderSettings(LocalOAuthProvider provider, string id) =>
    [
        "--Http:AllowPrivateNetworks=true",
        $"--Connections:Providers:{id}:ClientId={provider.ClientId}",
        $"--Connections:Providers:{id}:ClientSecret={provider.ClientSecret}",
        $"--Connections:Providers:{id}:AuthorizeUrl={provider.Url("authorize")}",
        $"--Connections:Providers:{id}:TokenUrl={provider.Url("token")}",
        $"--Connections:Providers:{id}:RevokeUrl={provider.Url("revoke")}",
        $"--Connections:Providers:{id}:ApiBaseUrl={provider.Url("api")}",
    ];

    /// <summary>Starts connecting and returns the authorization URL.</summary>
    public async Task<Uri> StartAsync(string provider = "google", object? body = null)
    {
        var response = await Browser.PostAsync($"/api/connections/oauth/{provider}/start", body ?? new { name = "Work Google" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await BrowserClient.JsonAsync(response))["authorizeUrl"]!.GetValue<string>());
    }

    /// <summary>What the provider redirects the browser to (the callback URL with code and state).</summary>
    public async Task<Uri> AuthorizeAsync(Uri authorizeUrl)
    {
        using var response = await _noRedirects.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Sends the browser (its cookies) to the callback and returns where the server redirected it, without following.</summary>
    public async Task<string> CallbackAsync(Uri callback, BrowserClient? browser = null)
    {
        browser ??= Browser;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.Address, callback.PathAndQuery));
        if (browser.Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", browser.Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await _noRedirects.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"The callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var cookie in Microsoft.Net.Http.Headers.SetCookieHeaderValue.ParseList([.. values]))
            {
                if (cookie.Value.Length == 0 || cookie.Expires < DateTimeOffset.UtcNow)
                {
                    browser.Cookies.Remove(cookie.Name.ToString());
                }
            }
        }

        return response.Headers.Location!.OriginalString;
    }

    public async ValueTask DisposeAsync()
    {
        _noRedirects.Dispose();
        Browser.Dispose();
        await Server.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
