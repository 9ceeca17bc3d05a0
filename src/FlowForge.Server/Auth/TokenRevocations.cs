using System.Collections.Concurrent;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// Revoked token ids (jti), in the database so every API process refuses them. A process remembers a "not revoked" answer
/// for <see cref="AuthOptions.RevocationCacheDuration"/> at most, which bounds how long a token signed out elsewhere still
/// works here; a token revoked on this process is refused here at once.
/// </summary>
internal sealed class TokenRevocations(IAuthStore store, IOptions<AuthOptions> options, TimeProvider time)
{
    // Both caches only save database reads; past this size they are emptied rather than grown.
    private const int MaxCached = 100_000;

    private readonly ConcurrentDictionary<string, long> _notRevokedUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    public async Task RevokeAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await store.RevokeTokenAsync(tokenId, expiresAt, cancellationToken);
        Remember(_revoked, tokenId, expiresAt);
        _notRevokedUntil.TryRemove(tokenId, out _);
    }

    public async ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken)
    {
        if (_revoked.ContainsKey(tokenId))
        {
            return true;
        }

        var now = time.GetTimestamp();
        if (_notRevokedUntil.TryGetValue(tokenId, out var until) && now < until)
        {
            return false;
        }

        if (await store.IsTokenRevokedAsync(tokenId, cancellationToken))
        {
            // The expiry is not known here; the entry leaves with the next purge after the token's lifetime.
            Remember(_revoked, tokenId, time.GetUtcNow() + options.Value.TokenLifetime);
            return true;
        }

        var cacheFor = options.Value.RevocationCacheDuration;
        if (cacheFor > TimeSpan.Zero)
        {
            Remember(_notRevokedUntil, tokenId, now + (long)(cacheFor.TotalSeconds * time.TimestampFrequency));
        }

        return false;
    }

    /// <summary>Drops remembered revocations of tokens that have expired (they are refused for their expiry anyway).</summary>
    public void ForgetExpired(DateTimeOffset now)
    {
        foreach (var (id, expiresAt) in _revoked)
        {
            if (expiresAt < now)
            {
                _revoked.TryRemove(KeyValuePair.Create(id, expiresAt));
            }
        }
    }

    private static void Remember<T>(ConcurrentDictionary<string, T> cache, string key, T value)
    {
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }

        cache[key] = value;
    }
}
