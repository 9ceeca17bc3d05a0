using System.Net;
using System.Security.Claims;
using FlowForge.Server.Auth;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Server.Tests.Auth;

public sealed class ValidatedTokensTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Find_RememberedToken_ReturnsACopyOfItsPrincipalAndId()
    {
        var tokens = Tokens();
        var principal = Principal("user-1");
        tokens.Remember("token-a", principal, "jti-a", _time.GetUtcNow().AddHours(1));

        var found = tokens.Find("token-a");

        Assert.NotNull(found);
        Assert.Equal("jti-a", found.Value.TokenId);
        Assert.Equal("user-1", found.Value.Principal.FindFirstValue("sub"));
        Assert.NotSame(principal, found.Value.Principal);
        Assert.Null(tokens.Find("token-b"));
    }

    [Fact]
    public async Task Find_RememberedToken_GivesEveryRequestTheOneSignInThatRefusesChanges()
    {
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));

        var first = tokens.Find("token-a")!.Value;
        var second = tokens.Find("token-a")!.Value;
        var result = await first.SignedIn;

        // One task, result, ticket and properties per token, not per request.
        Assert.Same(first.SignedIn, second.SignedIn);
        Assert.True(result.Succeeded);
        Assert.Same(first.Principal, result.Principal);
        Assert.Equal("Bearer", result.Ticket!.AuthenticationScheme);
        Assert.Throws<NotSupportedException>(() => result.Properties!.Items["x"] = "y");
        Assert.Throws<NotSupportedException>(() => result.Properties!.Parameters["x"] = 1);
        Assert.Empty(result.Properties!.Items);
    }

    [Fact]
    public void Find_SliceOfAHeader_FindsTheTokenAndNamesTheKeyHeld()
    {
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));
        var header = "Bearer token-a";

        var found = tokens.Find(header.AsSpan("Bearer ".Length));

        Assert.NotNull(found);
        Assert.Equal("token-a", found.Value.Token);
        Assert.Equal("jti-a", found.Value.TokenId);
        Assert.Equal("user-1", found.Value.Principal.FindFirstValue("sub"));
        Assert.Null(tokens.Find(header.AsSpan("Bearer t".Length)));
    }

    [Fact]
    public void Find_UnknownSlice_CopiesNothing()
    {
        // A token not checked yet is looked up as a slice of its header: only the handler that checks it copies it.
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));
        var header = "Bearer " + new string('t', 400);
        tokens.Find(header.AsSpan("Bearer ".Length));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(tokens.Find(header.AsSpan("Bearer ".Length)));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Find_AfterTheCacheDuration_ReturnsNull()
    {
        var tokens = Tokens(TimeSpan.FromSeconds(60));
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(tokens.Find("token-a"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(tokens.Find("token-a"));
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public void Find_TokenExpiringBeforeTheCacheDuration_ReturnsNullFromItsExpiry()
    {
        var tokens = Tokens(TimeSpan.FromMinutes(10));
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Null(tokens.Find("token-a"));
    }

    [Fact]
    public void Remember_ZeroDuration_KeepsNothing()
    {
        var tokens = Tokens(TimeSpan.Zero);

        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));

        Assert.Null(tokens.Find("token-a"));
    }

    [Fact]
    public void Remember_PastTheEntryLimit_EmptiesTheCacheFirst()
    {
        var tokens = Tokens(entries: 3);
        for (var i = 0; i < 3; i++)
        {
            tokens.Remember($"token-{i}", Principal("user-1"), $"jti-{i}", _time.GetUtcNow().AddHours(1));
        }

        tokens.Remember("token-3", Principal("user-1"), "jti-3", _time.GetUtcNow().AddHours(1));

        Assert.Equal(1, tokens.Count);
        Assert.NotNull(tokens.Find("token-3"));
        Assert.Null(tokens.Find("token-0"));
    }

    [Fact]
    public void Find_PrincipalChangedByTheCaller_IsRefusedAndTheCachedOneStaysAsItWas()
    {
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));
        var found = tokens.Find("token-a")!.Value.Principal;
        var identity = (ClaimsIdentity)found.Identity!;

        Assert.Throws<InvalidOperationException>(() => identity.AddClaim(new Claim("role", "admin")));
        Assert.Throws<InvalidOperationException>(() => identity.AddClaims([new Claim("role", "admin")]));
        Assert.Throws<InvalidOperationException>(() => identity.RemoveClaim(identity.FindFirst("sub")));
        Assert.Throws<InvalidOperationException>(() => identity.TryRemoveClaim(identity.FindFirst("sub")));
        Assert.Throws<InvalidOperationException>(() => found.AddIdentity(new ClaimsIdentity([new Claim("role", "admin")], "other")));

        var again = tokens.Find("token-a")!.Value.Principal;
        Assert.Null(again.FindFirst("role"));
        Assert.Equal("user-1", again.FindFirstValue("sub"));
        Assert.Single(again.Identities);
    }

    [Fact]
    public void Find_PrincipalCopiedByTheCaller_CanBeChangedWithoutChangingTheCachedOne()
    {
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));

        var copy = tokens.Find("token-a")!.Value.Principal.Clone();
        ((ClaimsIdentity)copy.Identity!).AddClaim(new Claim("role", "admin"));

        Assert.Equal("admin", copy.FindFirstValue("role"));
        Assert.Null(tokens.Find("token-a")!.Value.Principal.FindFirst("role"));
    }

    [Fact]
    public void Find_RememberedToken_GivesTheSamePrincipalEveryTimeWithoutCopyingIt()
    {
        // A principal copied per request cost more than the rest of a cached token's check.
        var tokens = Tokens();
        tokens.Remember("token-a", Principal("user-1"), "jti-a", _time.GetUtcNow().AddHours(1));
        var header = "Bearer token-a";
        var first = tokens.Find(header.AsSpan("Bearer ".Length))!.Value.Principal;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Assert.Same(first, tokens.Find(header.AsSpan("Bearer ".Length))!.Value.Principal);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void UserId_OfARememberedTokensPrincipal_IsReadWithoutLookingThroughItsClaims()
    {
        // Every request's endpoint asks for the user's id: the claim search made a predicate and an enumerator each time.
        var tokens = Tokens();
        var user = Guid.CreateVersion7();
        tokens.Remember("token-a", Principal(user.ToString()), "jti-a", _time.GetUtcNow().AddHours(1));
        var principal = tokens.Find("token-a")!.Value.Principal;
        Assert.Equal(user, principal.UserId());

        var others = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            others += principal.UserId() == user ? 0 : 1;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, others);
        Assert.Throws<InvalidOperationException>(() => new ClaimsPrincipal(new ClaimsIdentity()).UserId());
    }

    [Fact]
    public void RunStartsKey_OfARememberedTokensPrincipal_IsNamedOnceForEveryStart()
    {
        // Every run start asks for its user's rate-limit bucket: the name was formatted into a new string each time.
        var tokens = Tokens();
        var user = Guid.CreateVersion7();
        tokens.Remember("token-a", Principal(user.ToString()), "jti-a", _time.GetUtcNow().AddHours(1));
        var principal = tokens.Find("token-a")!.Value.Principal;
        var key = principal.RunStartsKey();
        Assert.Equal($"runs:{user:N}", key);

        var others = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            others += ReferenceEquals(principal.RunStartsKey(), key) ? 0 : 1;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, others);
        // Any other principal's bucket has the same name for the same user.
        Assert.Equal(key, Principal(user.ToString()).RunStartsKey());
    }

    [Fact]
    public async Task Request_CachedToken_IsRefusedAtOnceAfterLogoutOnThisProcess()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var validated = server.App.Services.GetRequiredService<ValidatedTokens>();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.NotNull(validated.Find(token));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.Null(validated.Find(token));
    }

    [Fact]
    public async Task Request_CachedTokenAlteredInOneCharacter_IsRefused()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        var last = token[^1] == 'A' ? 'B' : 'A';
        using var forged = server.CreateClient(token[..^1] + last);

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/flows")).StatusCode);
    }

    private ValidatedTokens Tokens(TimeSpan? duration = null, int entries = 10_000) =>
        new(Options.Create(new AuthOptions { ValidatedTokenCacheDuration = duration ?? TimeSpan.FromMinutes(1), ValidatedTokenCacheEntries = entries }), _time);

    private static ClaimsPrincipal Principal(string userId) => new(new ClaimsIdentity([new Claim("sub", userId)], "test", "sub", null));
}
