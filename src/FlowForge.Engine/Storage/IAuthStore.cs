namespace FlowForge.Engine.Storage;

/// <summary>What every API process must agree on to trust a token: the revoked token ids and the keys.</summary>
public interface IAuthStore
{
    /// <summary>Records that the token <paramref name="tokenId"/> is revoked until it expires; revoking it again changes nothing.</summary>
    Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<bool> IsTokenRevokedAsync(string tokenId, CancellationToken cancellationToken);

    /// <summary>Forgets revocations of tokens that expired before <paramref name="now"/> (they are refused anyway); returns how many.</summary>
    Task<int> PurgeExpiredRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The keys of <paramref name="purpose"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken);

    /// <summary>Stores the key; false when its purpose already has a key with its id (the stored one is kept).</summary>
    Task<bool> TryAddKeyAsync(StoredKey key, CancellationToken cancellationToken);
}
