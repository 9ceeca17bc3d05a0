using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// Bearer JWTs whose signature, issuer, audience and lifetime this process has checked, with the principal they gave, for
/// <see cref="AuthOptions.ValidatedTokenCacheDuration"/> at most and never past the token's expiry. A hit skips parsing and
/// the signature check only: whether the token was revoked is still asked on every request (<see cref="TokenRevocations"/>),
/// so a sign-out takes effect at once on the process that revoked and within <see cref="AuthOptions.RevocationCacheDuration"/>
/// on the others. Past <see cref="AuthOptions.ValidatedTokenCacheEntries"/> entries the cache is emptied rather than grown.
/// </summary>
internal sealed class ValidatedTokens
{
    private readonly IOptions<AuthOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public ValidatedTokens(IOptions<AuthOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _entries = new(StringComparer.Ordinal);
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _entries.Count;

    /// <summary>
    /// The principal a token gave when it was checked (a <see cref="SharedPrincipal"/>, the same for every request that
    /// presents the token), its id (jti), the key held (for <see cref="Forget"/>), and the sign-in it gives (made once per
    /// token, see <see cref="SignedIn"/>), or null when not held or expired.
    /// Looked up by the token's text where it lies (a slice of the request's header), so that a request with a known token
    /// copies no token.
    /// </summary>
    public (ClaimsPrincipal Principal, string TokenId, string Token, Task<AuthenticateResult> SignedIn)? Find(ReadOnlySpan<char> token)
    {
        if (!_bySpan.TryGetValue(token, out var key, out var entry))
        {
            return null;
        }

        if (_time.GetUtcNow() >= entry.Until)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return null;
        }

        return (entry.Principal, entry.TokenId, key, entry.SignedIn);
    }

    /// <summary>Remembers a token that passed every check, until <paramref name="expiresAt"/> or the cache duration, whichever is sooner.</summary>
    public void Remember(string token, ClaimsPrincipal principal, string tokenId, DateTimeOffset expiresAt)
    {
        var settings = _options.Value;
        if (settings.ValidatedTokenCacheDuration <= TimeSpan.Zero || settings.ValidatedTokenCacheEntries <= 0)
        {
            return;
        }

        var until = _time.GetUtcNow() + settings.ValidatedTokenCacheDuration;
        if (expiresAt < until)
        {
            until = expiresAt;
        }

        if (_entries.Count >= settings.ValidatedTokenCacheEntries)
        {
            _entries.Clear();
        }

        // Copied once into a principal that refuses changes: the handlers and endpoints of one request must not change
        // what the next request sees, and a copy per request cost more than the rest of a cached token's check.
        var shared = SharedPrincipal.Of(principal);
        _entries[token] = new Entry(shared, tokenId, until, SignedIn(shared));
    }

    public void Forget(string token) => _entries.TryRemove(token, out _);

    /// <summary>
    /// The finished sign-in of a checked token, made once and handed to every request that presents it, as its principal
    /// is: a request with a known token makes no task, result, ticket, properties or their two dictionaries of its own.
    /// Like the principal, the properties refuse changes (their dictionaries are read-only), so what one request does
    /// cannot reach the next.
    /// </summary>
    private static Task<AuthenticateResult> SignedIn(ClaimsPrincipal principal)
    {
        var properties = new AuthenticationProperties(
            new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>(StringComparer.Ordinal)),
            new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(StringComparer.Ordinal)));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, JwtBearerDefaults.AuthenticationScheme)));
    }

    private sealed record Entry(ClaimsPrincipal Principal, string TokenId, DateTimeOffset Until, Task<AuthenticateResult> SignedIn);
}
