using System.Net;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Auth.KeyRing;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlowForge.Server.Tests.Auth;

public sealed class SigningKeyTests
{
    [Fact]
    public async Task RotateAsync_NewTokensUseTheNewKey_OldTokensStayValid()
    {
        await using var server = await TestServer.StartAsync();
        using var before = await server.CreateUserClientAsync();

        await server.App.Services.GetRequiredService<SigningKeys>().RotateAsync(CancellationToken.None);
        using var after = await server.CreateUserClientAsync();

        Assert.NotEqual(KeyIdOf(before), KeyIdOf(after));
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Start_KeyOlderThanItsLifetime_IsReplacedAndTheTokensItSignedStayValid()
    {
        var data = Directory.CreateTempSubdirectory("flowforge-rotation-").FullName;
        string oldToken;
        await using (var past = await TestServer.StartAsync(
            b => b.Services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(TimeSpan.FromHours(-2))),
            $"--Storage:DataDirectory={data}"))
        {
            using var client = await past.CreateUserClientAsync();
            oldToken = TokenRevocationTests.TokenOf(client);
        }

        await using var now = await TestServer.StartAsync($"--Storage:DataDirectory={data}", "--Auth:SigningKeyLifetime=01:00:00");
        using var fresh = await now.CreateUserClientAsync();
        using var old = now.CreateClient(oldToken);

        Assert.NotEqual(new JsonWebToken(oldToken).Kid, KeyIdOf(fresh));
        Assert.Equal(2, (await now.App.Services.GetRequiredService<IAuthStore>().ListKeysAsync(SigningKeys.Purpose, CancellationToken.None)).Count);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task RotateAsync_OnAnotherProcess_TokensOfItsNewKeyAreAcceptedHere()
    {
        // Two processes share a database only on a shared store: an embedded data folder is held by one process.
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] shared = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}"];
        await using var first = await TestServer.StartAsync(shared);
        await using var second = await TestServer.StartAsync(shared);

        await second.App.Services.GetRequiredService<SigningKeys>().RotateAsync(CancellationToken.None);
        using var signedBySecond = await second.CreateUserClientAsync();
        using var onFirst = first.CreateClient(TokenRevocationTests.TokenOf(signedBySecond));

        // The first process reads the keys again when a token names one it has not seen, at most once a second.
        await Eventually.MatchesAsync(
            async () => (await onFirst.GetAsync("/api/flows")).StatusCode,
            status => status == HttpStatusCode.OK,
            "the first process to accept a token signed with the key the second one added",
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Keys_AtRest_AreNeverInPlainText()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var store = server.App.Services.GetRequiredService<IAuthStore>();
        var current = server.App.Services.GetRequiredService<SigningKeys>().Current;

        var signing = Assert.Single(await store.ListKeysAsync(SigningKeys.Purpose, CancellationToken.None));
        var ring = await store.ListKeysAsync(DatabaseXmlRepository.Purpose, CancellationToken.None);

        Assert.Equal(current.KeyId, signing.Id);
        Assert.DoesNotContain(Convert.ToBase64String(current.Key), signing.Material, StringComparison.Ordinal);
        Assert.NotEmpty(ring);
        Assert.All(ring, k =>
        {
            Assert.Contains(KeyRingEncryptor.ElementName, k.Material, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", k.Material, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DataProtection_KeyRing_IsKeptInTheDatabaseEncrypted()
    {
        await using var server = await TestServer.StartAsync();

        var options = server.App.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.IsType<DatabaseXmlRepository>(options.XmlRepository);
        Assert.IsType<KeyRingEncryptor>(options.XmlEncryptor);
    }

    [Fact]
    public async Task Start_AnotherKeyRingSecret_FailsNamingTheSetting()
    {
        var data = Directory.CreateTempSubdirectory("flowforge-keyring-").FullName;
        await using (await TestServer.StartAsync($"--Storage:DataDirectory={data}", $"--Auth:KeyRingSecret={new string('a', 40)}"))
        {
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var server = await TestServer.StartAsync($"--Storage:DataDirectory={data}", $"--Auth:KeyRingSecret={new string('b', 40)}");
        });

        Assert.Contains("Auth:KeyRingSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyRingSecret_SharedStoreWithoutSetting_FailsNamingTheSetting()
    {
        var secret = new KeyRingSecret(
            Options.Create(new AuthOptions()),
            new ProviderKinds(ServerRole.Api, StoreKind.Postgres, QueueKind.RabbitMq, CacheKind.Redis),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = "Host=127.0.0.1" }).Build());

        var error = Assert.Throws<InvalidOperationException>(() => secret.Key);

        Assert.Contains("Auth:KeyRingSecret", error.Message, StringComparison.Ordinal);
    }

    private static string KeyIdOf(HttpClient client) => new JsonWebToken(TokenRevocationTests.TokenOf(client)).Kid;
}
