using System.Net;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Connections;

public sealed class ConnectionProviderEndpointsTests
{
    [Fact]
    public async Task List_ShowsEveryProviderWithKindsConfiguredAndRateLimit_ButNoClientSecret()
    {
        await using var h = await OAuthHarness.StartAsync();

        var response = await h.Browser.GetAsync("/api/connection-providers");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(h.Provider.ClientSecret, text, StringComparison.Ordinal);
        var items = (await BrowserClient.JsonAsync(response))["items"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>(), i => i!.AsObject());
        Assert.Subset(new HashSet<string>(["google", "slack", "github", "microsoft", "generic-oauth2", "smtp", "openai"]), items.Keys.ToHashSet());
        Assert.True(items["google"]["configured"]!.GetValue<bool>());
        Assert.False(items["slack"]["configured"]!.GetValue<bool>());
        Assert.Equal("oauth2", items["google"]["kinds"]![0]!.GetValue<string>());
        Assert.Equal("bearer", items["openai"]["kinds"]![0]!.GetValue<string>());
        Assert.Equal("basic", items["smtp"]["kinds"]![0]!.GetValue<string>());
        Assert.Equal(1, items["slack"]["rateLimit"]!["perSecond"]!.GetValue<double>());
        Assert.Contains(items["generic-oauth2"]["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "clientSecret" && f["secret"]!.GetValue<bool>());
        Assert.Contains(items["smtp"]["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "host");
    }

    [Fact]
    public void Load_ProvidersFolder_AddsAndReplacesProviders()
    {
        var folder = Directory.CreateTempSubdirectory("flowforge-providers-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "acme.json"), """
                { "id": "acme", "displayName": "Acme", "kinds": ["oauth2"], "authorizeUrl": "https://acme.example/authorize", "tokenUrl": "https://acme.example/token", "pkce": true }
                """);
            var options = new OAuthOptions { ProvidersFolder = folder };
            options.Providers["acme"] = new ProviderSettings { ClientId = "acme-client", ClientSecret = "s3cret" };

            var catalog = new ConnectionProviderCatalog(Options.Create(options));

            var acme = catalog.Find("acme")!;
            Assert.Equal("acme-client", acme.ClientId);
            Assert.True(acme.Configured);
            Assert.NotNull(catalog.Find("google"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{ "id": "Bad Id", "displayName": "x", "kinds": ["oauth2"] }""", "'id'")]
    [InlineData("""{ "id": "x", "displayName": "x", "kinds": ["oauth2"] }""", "authorizeUrl")]
    [InlineData("""{ "id": "x", "displayName": "x", "kinds": ["telepathy"] }""", "kinds")]
    [InlineData("""{ "id": "x", "displayName": "x", "kinds": ["bearer"], "colour": "red" }""", "colour")]
    public void Load_InvalidProviderFile_NamesTheFileAndTheProblem(string json, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("flowforge-providers-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "broken.json"), json);

            var errors = ConnectionProviderCatalog.Load(new OAuthOptions { ProvidersFolder = folder }, out _);

            var error = Assert.Single(errors);
            Assert.Contains("broken.json", error, StringComparison.Ordinal);
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--Connections:OAuthStateMinutes=0", "Connections:OAuthStateMinutes")]
    [InlineData("--Connections:Providers:google:TokenUrl=not a url", "Connections:Providers:google:TokenUrl")]
    [InlineData("--Connections:Providers:nosuch:ClientId=x", "Connections:Providers:nosuch")]
    public async Task Start_InvalidSetting_FailsNamingIt(string setting, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await TestServer.StartAsync(setting)).DisposeAsync());

        Assert.Contains(expected, error.Message + (error as AggregateException)?.InnerExceptions.Select(e => e.Message).Aggregate("", string.Concat), StringComparison.Ordinal);
    }
}
