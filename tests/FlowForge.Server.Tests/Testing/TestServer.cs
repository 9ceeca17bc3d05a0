using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Testing;

/// <summary>The real server (Kestrel on 127.0.0.1, a random port) on a SQLite file in a temp folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly string _directory;

    private TestServer(WebApplication app, string directory, Uri address)
    {
        App = app;
        _directory = directory;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>The server's Storage:DataDirectory (the database and its blob folder).</summary>
    public string DataDirectory => _directory;

    public static Task<TestServer> StartAsync(params string[] settings) => StartAsync(null, settings);

    public static async Task<TestServer> StartAsync(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-api-").FullName;
        // A key ring secret as every shared-store deployment sets one; embedded tests ignore it.
        var app = FlowForgeApp.Build(["--urls=http://127.0.0.1:0", $"--Storage:DataDirectory={directory}", "--Logging:LogLevel:Default=Warning", $"--Auth:KeyRingSecret={new string('k', 48)}", .. settings], configure);
        await FlowForgeApp.InitializeAsync(app, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, directory, new Uri(address));
    }

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Registers a fresh user and returns a client that sends its bearer token.</summary>
    public async Task<HttpClient> CreateUserClientAsync(string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        using var anonymous = CreateClient();
        var credentials = new { email, password = "correct horse battery" };
        (await anonymous.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", credentials);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        return CreateClient(token);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp folders are harmless.
        }
    }
}
