using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth.KeyRing;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>Connection secrets under the shared key ring: rotation, tampering, and the ring every role and folder uses.</summary>
public sealed class ConnectionKeyRingTests
{
    // A data-protection payload starts with a 4-byte magic header, then the id of the key that sealed it.
    private static Guid KeyIdOf(byte[] payload) => new(payload.AsSpan(4, 16));

    private static async Task<ConnectionRecord> StoredAsync(TestServer server, HttpClient client, string id) =>
        (await server.App.Services.GetRequiredService<IConnectionStore>().GetConnectionAsync(
            ConnectionEndpointsTests.UserIdOf(client), Guid.Parse(id), CancellationToken.None))!;

    [Fact]
    public async Task Protect_AfterANewDefaultKey_NewSecretsUseItAndOldOnesStillOpen()
    {
        await using var server = await StartServerAsync();
        using var client = await server.CreateUserClientAsync();
        var before = (string)(await CreateAsync(client, new { name = "old", kind = "bearer", secret = new { token = "t-old" } }))["id"]!;
        var oldKey = KeyIdOf((await StoredAsync(server, client, before)).ProtectedSecret);

        var keys = server.App.Services.GetRequiredService<IKeyManager>();
        var now = DateTimeOffset.UtcNow;
        var newKey = keys.CreateNewKey(now, now.AddDays(90)).KeyId;
        var protector = server.App.Services.GetRequiredService<ISecretProtector>();
        // Data protection reloads its cached ring in the background once the key manager says it changed.
        await Eventually.TrueAsync(() => KeyIdOf(protector.Protect(new Dictionary<string, string> { ["probe"] = "p" })) == newKey, "the new key as the default");
        var after = (string)(await CreateAsync(client, new { name = "new", kind = "bearer", secret = new { token = "t-new" } }))["id"]!;

        var oldRecord = await StoredAsync(server, client, before);
        var newRecord = await StoredAsync(server, client, after);
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(oldKey, KeyIdOf(oldRecord.ProtectedSecret));
        Assert.Equal(newKey, KeyIdOf(newRecord.ProtectedSecret));
        Assert.Equal("t-old", protector.Unprotect(oldRecord.ProtectedSecret)["token"]);
        Assert.Equal("t-new", protector.Unprotect(newRecord.ProtectedSecret)["token"]);
        Assert.True((bool)(await (await client.PostAsync($"/api/connections/{before}/test", null)).Content.ReadFromJsonAsync<JsonObject>())!["ok"]!);
    }

    [Fact]
    public async Task Unprotect_AFlippedByte_FailsAndTheApiSaysSoWithoutA500()
    {
        await using var server = await StartServerAsync();
        using var client = await server.CreateUserClientAsync();
        var id = (string)(await CreateAsync(client, new { name = "n", kind = "bearer", secret = new { token = "t" } }))["id"]!;
        var record = await StoredAsync(server, client, id);
        var tampered = (byte[])record.ProtectedSecret.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        Assert.True(await server.App.Services.GetRequiredService<IConnectionStore>().UpdateConnectionAsync(
            record with { ProtectedSecret = tampered, Version = record.Version + 1 }, record.Version, CancellationToken.None));

        Assert.ThrowsAny<CryptographicException>(() => server.App.Services.GetRequiredService<ISecretProtector>().Unprotect(tampered));
        var response = await client.PostAsync($"/api/connections/{id}/test", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False((bool)result["ok"]!);
        Assert.Contains("cannot be opened", (string?)result["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/connections/{id}")).StatusCode);
    }

    [Fact]
    public async Task KeyRing_WorkerRole_IsTheDatabaseRingAsForApiProcesses()
    {
        await using var app = FlowForgeApp.Build([
            "--urls=http://127.0.0.1:0", "--Role=worker",
            "--Storage:Provider=postgres", "--Storage:ConnectionString=Host=127.0.0.1;Database=none",
            "--Queue:Provider=rabbitmq", "--Queue:ConnectionString=amqp://127.0.0.1:1/",
            $"--Auth:KeyRingSecret={new string('k', 48)}",
        ]);

        var options = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.IsType<DatabaseXmlRepository>(options.XmlRepository);
        Assert.IsType<KeyRingEncryptor>(options.XmlEncryptor);
        Assert.NotNull(app.Services.GetService<ISecretProtector>());
    }

    [Fact]
    public async Task ValidateNow_WorkerOnASharedStoreWithoutKeyRingSecret_FailsNamingTheSetting()
    {
        await using var app = FlowForgeApp.Build([
            "--urls=http://127.0.0.1:0", "--Role=worker",
            "--Storage:Provider=postgres", "--Storage:ConnectionString=Host=127.0.0.1;Database=none",
            "--Queue:Provider=rabbitmq", "--Queue:ConnectionString=amqp://127.0.0.1:1/",
        ]);

        var error = Record.Exception(() => ValidatedOptions.ValidateNow(app.Services));

        Assert.Contains(ValidatedOptions.Failures(error!) ?? [], f => f.StartsWith("Auth:KeyRingSecret is required with a shared store (postgres)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysFolder_Set_KeysAreWrittenThereEncryptedAndNotToTheDatabase()
    {
        var folder = Directory.CreateTempSubdirectory("flowforge-keys-").FullName;
        try
        {
            await using var server = await StartServerAsync(null, $"--DataProtection:KeysFolder={folder}");
            using var client = await server.CreateUserClientAsync();
            var id = (string)(await CreateAsync(client, new { name = "n", kind = "bearer", secret = new { token = "t" } }))["id"]!;

            var files = Directory.GetFiles(folder, "*.xml");
            Assert.NotEmpty(files);
            Assert.All(files, f =>
            {
                var xml = File.ReadAllText(f);
                Assert.Contains(KeyRingEncryptor.ElementName, xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            });
            Assert.Empty(await server.App.Services.GetRequiredService<IAuthStore>().ListKeysAsync(DatabaseXmlRepository.Purpose, CancellationToken.None));
            Assert.True((bool)(await (await client.PostAsync($"/api/connections/{id}/test", null)).Content.ReadFromJsonAsync<JsonObject>())!["ok"]!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
