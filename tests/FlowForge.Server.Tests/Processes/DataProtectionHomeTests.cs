using System.Net;
using System.Net.Http.Json;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Processes;

public sealed class DataProtectionHomeTests
{
    [Fact]
    public async Task Serve_IssuingTokens_WritesNothingToTheHomeDirectory()
    {
        var home = Directory.CreateTempSubdirectory("flowforge-home-").FullName;
        var data = Directory.CreateTempSubdirectory("flowforge-data-").FullName;
        await using var serve = await ServeProcess.StartAsync(
            ["--data", data], ServeProcess.FreePort(), new Dictionary<string, string> { ["HOME"] = home, ["USERPROFILE"] = home });
        using var client = new HttpClient { BaseAddress = serve.Address, Timeout = TimeSpan.FromSeconds(30) };
        var credentials = new { email = "ada@example.com", password = "correct horse battery" };

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/auth/register", credentials)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/token", credentials)).StatusCode);

        // ASP.NET Core data protection's default key ring folder is ~/.aspnet/DataProtection-Keys.
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), $"data protection wrote under the home directory: {string.Join(", ", Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories))}");
        Assert.True(File.Exists(Path.Combine(data, "keyring.secret")));
    }
}
