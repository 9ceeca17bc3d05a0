using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>API tokens live beside the accounts, on shard 0.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task<bool> TryAddApiTokenAsync(ApiTokenRecord token, int maxPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.TryAddApiTokenAsync(token, maxPerUser, now, cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListApiTokensAsync(Guid userId, CancellationToken cancellationToken) =>
        Home.ListApiTokensAsync(userId, cancellationToken);

    public Task<ApiTokenRecord?> FindApiTokenAsync(string secretHash, CancellationToken cancellationToken) =>
        Home.FindApiTokenAsync(secretHash, cancellationToken);

    public Task<bool> DeleteApiTokenAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken) =>
        Home.DeleteApiTokenAsync(userId, tokenId, cancellationToken);

    public Task TouchApiTokenAsync(Guid tokenId, DateTimeOffset usedAt, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        Home.TouchApiTokenAsync(tokenId, usedAt, notBefore, cancellationToken);

    public Task<int> PurgeExpiredApiTokensAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Home.PurgeExpiredApiTokensAsync(before, cancellationToken);
}
