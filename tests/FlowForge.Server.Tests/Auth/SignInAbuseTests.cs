using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Auth;

public sealed class SignInAbuseTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Token_ThirtyWrongPasswordsInARow_MeetA429WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateClient();
        await RegisterAsync(client, "ada@example.com");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 30; i++)
        {
            var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = $"wrong guess {i}" });
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Token_ManyAccountsFromOneAddress_MeetsTheAddressLimit()
    {
        await using var server = await TestServer.StartAsync("--RateLimits:SignInBurst=3", "--RateLimits:SignInPerMinute=1");
        using var client = server.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/token", new { email = $"user{i}@example.com", password = Password })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Register_ManyFromOneAddress_MeetsTheRegistrationLimit()
    {
        await using var server = await TestServer.StartAsync("--RateLimits:RegistrationBurst=2", "--RateLimits:RegistrationsPerMinute=1");
        using var client = server.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/register", new { email = $"user{i}@example.com", password = Password })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Token_UnknownEmailAndWrongPassword_AnswerAlikeAndHashAlike()
    {
        var hasher = new CountingPasswordHasher();
        await using var server = await TestServer.StartAsync(b => b.Services.AddSingleton<IPasswordHasher<UserRecord>>(hasher));
        using var client = server.CreateClient();
        await RegisterAsync(client, "ada@example.com");

        var before = hasher.Verifications;
        var wrong = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = "not the password" });
        var afterWrong = hasher.Verifications;
        var unknown = await client.PostAsJsonAsync("/api/auth/token", new { email = "nobody@example.com", password = "not the password" });
        var afterUnknown = hasher.Verifications;

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(WithoutTraceId(await wrong.Content.ReadFromJsonAsync<JsonObject>()), WithoutTraceId(await unknown.Content.ReadFromJsonAsync<JsonObject>()));
        Assert.Equal(1, afterWrong - before);
        Assert.Equal(1, afterUnknown - afterWrong);
    }

    [Fact]
    public async Task Token_PasswordOverTheLimit_Is400NamingPasswordWithoutHashing()
    {
        var hasher = new CountingPasswordHasher();
        await using var server = await TestServer.StartAsync(b => b.Services.AddSingleton<IPasswordHasher<UserRecord>>(hasher), "--Auth:MaxPasswordLength=64");
        using var client = server.CreateClient();
        await RegisterAsync(client, "ada@example.com");
        var hashes = hasher.Hashes;
        var verifications = hasher.Verifications;

        var token = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = new string('x', 1_000_000) });
        var register = await client.PostAsJsonAsync("/api/auth/register", new { email = "grace@example.com", password = new string('x', 65) });

        await AssertBadRequestAsync(token, "password");
        await AssertBadRequestAsync(register, "password");
        Assert.Equal(hashes, hasher.Hashes);
        Assert.Equal(verifications, hasher.Verifications);
    }

    [Fact]
    public async Task Token_HashNeedingRehash_IsReplacedWithACurrentOne()
    {
        await using var server = await TestServer.StartAsync();
        var users = server.App.Services.GetRequiredService<IUserStore>();
        var weak = new PasswordHasher<UserRecord>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }));
        var user = new UserRecord(Guid.NewGuid(), "ada@example.com", "", DateTimeOffset.UtcNow);
        await users.TryCreateAsync(user with { PasswordHash = weak.HashPassword(user, Password) }, CancellationToken.None);
        using var client = server.CreateClient();

        var first = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = Password });
        var stored = (await users.FindByEmailAsync("ada@example.com", CancellationToken.None))!.PasswordHash;
        var second = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = Password });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(
            PasswordVerificationResult.Success,
            server.App.Services.GetRequiredService<IPasswordHasher<UserRecord>>().VerifyHashedPassword(user, stored, Password));
    }

    [Theory]
    [InlineData("--RateLimits:SignInPerMinute=0", "RateLimits:SignInPerMinute")]
    [InlineData("--RateLimits:SignInPerAccountBurst=-1", "RateLimits:SignInPerAccountBurst")]
    [InlineData("--Auth:MaxPasswordLength=4", "Auth:MaxPasswordLength")]
    public async Task Start_InvalidLimit_FailsNamingTheSetting(string setting, string name)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await TestServer.StartAsync(setting);
        });

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "203.0.113.7, 198.51.100.2", "127.0.0.1")]
    [InlineData(true, "203.0.113.7, 198.51.100.2", "198.51.100.2")]
    [InlineData(true, "not an address", "127.0.0.1")]
    public void ClientAddress_ForwardedFor_IsTrustedOnlyWhenConfigured(bool trust, string forwardedFor, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;

        Assert.Equal(expected, SignInLimiter.ClientAddress(context, trust));
    }

    private static async Task RegisterAsync(HttpClient client, string email) =>
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    private static string WithoutTraceId(JsonObject? problem)
    {
        problem!.Remove("traceId");
        return problem.ToJsonString();
    }
}
