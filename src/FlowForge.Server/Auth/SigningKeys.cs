using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Auth;

/// <summary>
/// Token signing keys, each named by a key id (kid), kept in the database so every API process signs and checks tokens
/// with the same keys. The secret of each key is stored protected with ASP.NET Core data protection, never in plain text.
/// The newest key signs; a key older than <see cref="AuthOptions.SigningKeyLifetime"/> is replaced, and a replaced key
/// still validates the tokens it signed until they have expired.
/// </summary>
internal sealed class SigningKeys(IAuthStore store, IDataProtectionProvider protection, IOptions<AuthOptions> options, TimeProvider time) : IDisposable
{
    public const string Purpose = "token-signing";

    // A process that has not seen a new key yet keeps signing with the old one until its next maintenance tick.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    // Tokens naming an unknown kid make this process read the keys again, at most this often: forged kids cannot turn
    // every request into a database read, and a key another process has just added is seen here within this time.
    private static readonly TimeSpan RefreshAtMostEvery = TimeSpan.FromSeconds(1);

    private readonly IDataProtector _protector = protection.CreateProtector("FlowForge.Auth.SigningKeys.v1");
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile KeySet? _keys;
    private long _loadedAt;

    public SymmetricSecurityKey Current => (_keys ?? throw NotLoaded()).Current;

    /// <summary>The key to check a token with kid <paramref name="keyId"/>: none when the kid is unknown or its key has been retired for longer than a token lives.</summary>
    public IEnumerable<SecurityKey> Resolve(string? keyId)
    {
        var keys = _keys ?? throw NotLoaded();
        return keyId is not null && keys.ById.TryGetValue(keyId, out var entry) && entry.AcceptedUntil > time.GetUtcNow() ? [entry.Key] : [];
    }

    /// <summary>Makes sure a key that is not too old exists, then loads every key.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) => RotateIfDueAsync(cancellationToken);

    public async Task RotateIfDueAsync(CancellationToken cancellationToken)
    {
        var lifetime = options.Value.SigningKeyLifetime;
        var stored = await store.ListKeysAsync(Purpose, cancellationToken);
        if (stored.Count == 0 || stored[^1].CreatedAt + lifetime <= time.GetUtcNow())
        {
            await RotateAsync(cancellationToken);
            return;
        }

        Apply(stored);
    }

    /// <summary>Adds a new key, which signs every token issued from now on (on other processes after their next refresh).</summary>
    public async Task RotateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        await store.TryAddKeyAsync(new StoredKey(Purpose, id, _protector.Protect(secret), now), cancellationToken);
        Apply(await store.ListKeysAsync(Purpose, cancellationToken));
    }

    /// <summary>Reads the keys again when <paramref name="keyId"/> is one this process has not seen (another process rotated).</summary>
    public async Task RefreshIfUnknownAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (keyId is null || _keys is not { } keys || keys.ById.ContainsKey(keyId)
            || time.GetElapsedTime(Interlocked.Read(ref _loadedAt)) < RefreshAtMostEvery)
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (time.GetElapsedTime(Interlocked.Read(ref _loadedAt)) >= RefreshAtMostEvery)
            {
                Apply(await store.ListKeysAsync(Purpose, cancellationToken));
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();

    private void Apply(IReadOnlyList<StoredKey> stored)
    {
        var now = time.GetUtcNow();
        var byId = new Dictionary<string, Entry>(StringComparer.Ordinal);
        for (var i = 0; i < stored.Count; i++)
        {
            var acceptedUntil = i == stored.Count - 1
                ? DateTimeOffset.MaxValue
                : stored[i + 1].CreatedAt + options.Value.TokenLifetime + options.Value.MaintenanceInterval + ClockSkew;
            if (acceptedUntil <= now)
            {
                continue;
            }

            byId[stored[i].Id] = new Entry(new SymmetricSecurityKey(Convert.FromBase64String(Unprotect(stored[i]))) { KeyId = stored[i].Id }, acceptedUntil);
        }

        _keys = new KeySet(byId[stored[^1].Id].Key, byId.ToFrozenDictionary(StringComparer.Ordinal));
        Interlocked.Exchange(ref _loadedAt, time.GetTimestamp());
    }

    private string Unprotect(StoredKey key)
    {
        try
        {
            return _protector.Unprotect(key.Material);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"Signing key '{key.Id}' cannot be decrypted: the data-protection key ring is missing or was encrypted with another {AuthOptions.Section}:{nameof(AuthOptions.KeyRingSecret)}. Use the secret the keys were stored with.", e);
        }
    }

    private static InvalidOperationException NotLoaded() => new("Signing keys are read at start-up before requests are served.");

    private sealed record Entry(SymmetricSecurityKey Key, DateTimeOffset AcceptedUntil);

    private sealed record KeySet(SymmetricSecurityKey Current, FrozenDictionary<string, Entry> ById);
}
