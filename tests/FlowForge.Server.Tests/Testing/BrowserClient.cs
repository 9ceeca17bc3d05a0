using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace FlowForge.Server.Tests.Testing;

/// <summary>
/// A client that keeps cookies as a browser does (each Set-Cookie replaces or deletes the cookie of its name) and lets
/// tests read the raw Set-Cookie attributes and send an old cookie again.
/// </summary>
public sealed class BrowserClient(TestServer server, string? host = null) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Set-Cookie header received, oldest first.</summary>
    public List<SetCookieHeaderValue> Received { get; } = [];

    /// <summary>Sent as X-CSRF-Token on unsafe requests when true (from the XSRF-TOKEN cookie, as the web app does).</summary>
    public bool SendCsrf { get; set; } = true;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        if (SendCsrf && method != HttpMethod.Get && Cookies.TryGetValue("XSRF-TOKEN", out var csrf))
        {
            request.Headers.Add("X-CSRF-Token", Uri.UnescapeDataString(csrf));
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var cookie in SetCookieHeaderValue.ParseList([.. values]))
            {
                Received.Add(cookie);
                if (cookie.Expires is { } expires && expires < DateTimeOffset.UtcNow.AddYears(-1) || cookie.Value.Length == 0)
                {
                    Cookies.Remove(cookie.Name.ToString());
                }
                else
                {
                    Cookies[cookie.Name.ToString()] = cookie.Value.ToString();
                }
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Registers an account and signs it in with a session cookie.</summary>
    public static async Task<BrowserClient> SignedInAsync(TestServer server, string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        var browser = new BrowserClient(server);
        (await browser.PostAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();
        (await browser.PostAsync("/api/session", new { email, password = Password })).EnsureSuccessStatusCode();
        return browser;
    }

    public const string Password = "correct horse battery";

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<JsonArray> ArrayAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonArray>())!;

    public void Dispose() => _http.Dispose();
}
