namespace FlowForge.Engine.Storage;

/// <summary>Named API tokens for scripts, looked up by the hash of their secret; a deleted token is refused by every process at once.</summary>
public interface IApiTokenStore
{
    /// <summary>Stores the token; false when its user already has <paramref name="maxPerUser"/> tokens that have not expired at <paramref name="now"/>.</summary>
    Task<bool> TryAddApiTokenAsync(ApiTokenRecord token, int maxPerUser, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user's tokens, oldest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListApiTokensAsync(Guid userId, CancellationToken cancellationToken);

    Task<ApiTokenRecord?> FindApiTokenAsync(string secretHash, CancellationToken cancellationToken);

    /// <summary>Deletes the user's token; false when the user has no token with that id.</summary>
    Task<bool> DeleteApiTokenAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken);

    /// <summary>Records a use of the token, unless one at or after <paramref name="notBefore"/> is recorded already.</summary>
    Task TouchApiTokenAsync(Guid tokenId, DateTimeOffset usedAt, DateTimeOffset notBefore, CancellationToken cancellationToken);

    /// <summary>Deletes tokens that expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeExpiredApiTokensAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
