using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Runs spread over several SQL databases of one provider, each a <see cref="SqlStorage"/> of its own. A
/// run lives on the shard its id hashes to, with its node instances, input and outbox messages, so every
/// run operation stays one transaction on one database. Flows, users, settings and the idempotency keys of
/// runs live on shard 0. Listings, recovery, timers and the outbox relay ask every shard.
/// </summary>
public sealed partial class ShardedSqlStorage : ISqlStorage
{
    private readonly SqlStorage[] _shards;
    private readonly ILogger _logger;

    internal ShardedSqlStorage(IReadOnlyList<SqlStorage> shards, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        if (shards.Count is < 1 or > SqlStorageOptions.MaxShards)
        {
            throw new ArgumentOutOfRangeException(nameof(shards), shards.Count, $"A sharded store has 1 to {SqlStorageOptions.MaxShards} shards.");
        }

        _shards = [.. shards];
    }

    public int ShardCount => _shards.Length;

    /// <summary>Shard 0: flows, users, settings and idempotency keys.</summary>
    private SqlStorage Home => _shards[0];

    /// <summary>Opens one store per shard, each on the connection string with <c>{shard}</c> replaced by its number. No connection is made until the first operation.</summary>
    public static ShardedSqlStorage Create(SqlStorageOptions options, TimeProvider timeProvider, ILogger<ShardedSqlStorage>? logger = null)
    {
        options.Validate();
        var shards = new List<SqlStorage>(options.Shards);
        try
        {
            for (var shard = 0; shard < options.Shards; shard++)
            {
                shards.Add(SqlStorage.CreateShard(options, shard, timeProvider, logger));
            }
        }
        catch
        {
            // Opening a shard does no I/O; disposing one stops its idle SQLite writer loop, which returns at once.
            foreach (var opened in shards)
            {
                opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new ShardedSqlStorage(shards, logger);
    }

    /// <summary>The shard that holds the run.</summary>
    public int ShardOf(Guid runId) => RunShards.ShardOf(runId, _shards.Length);

    internal SqlStorage Shard(int shard) => _shards[shard];

    /// <summary>Migrates every shard (each under its own database's migration lock).</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_shards.Select(s => s.MigrateAsync(cancellationToken)));

    public async ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var ready = await Task.WhenAll(_shards.Select(s => s.IsReadyAsync(cancellationToken).AsTask()));
        return Array.TrueForAll(ready, r => r);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }
    }

    public Task<FlowRecord> CreateAsync(Guid ownerId, string name, string json, CancellationToken cancellationToken) =>
        Home.CreateAsync(ownerId, name, json, cancellationToken);

    public Task<FlowRecord?> AddVersionAsync(Guid flowId, Guid ownerId, string name, string json, CancellationToken cancellationToken) =>
        Home.AddVersionAsync(flowId, ownerId, name, json, cancellationToken);

    public Task<FlowRecord?> GetAsync(Guid flowId, Guid ownerId, int? version, CancellationToken cancellationToken) =>
        Home.GetAsync(flowId, ownerId, version, cancellationToken);

    public Task<FlowRecord?> GetVersionAsync(Guid flowId, int version, CancellationToken cancellationToken) =>
        Home.GetVersionAsync(flowId, version, cancellationToken);

    public Task<Page<FlowSummary>> ListAsync(Guid ownerId, PageRequest page, string? nameContains, CancellationToken cancellationToken) =>
        Home.ListAsync(ownerId, page, nameContains, cancellationToken);

    public Task<bool> DeleteAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken) =>
        Home.DeleteAsync(flowId, ownerId, cancellationToken);

    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken cancellationToken) =>
        Home.TryCreateAsync(user, cancellationToken);

    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Home.FindByEmailAsync(email, cancellationToken);

    public Task<bool> TryCreateOwnerAsync(UserRecord user, CancellationToken cancellationToken) =>
        Home.TryCreateOwnerAsync(user, cancellationToken);

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) =>
        Home.AnyUserAsync(cancellationToken);

    public Task<UserRecord?> FindByIdAsync(Guid userId, CancellationToken cancellationToken) =>
        Home.FindByIdAsync(userId, cancellationToken);

    public Task<string> GetOrAddSettingAsync(string key, string valueIfMissing, CancellationToken cancellationToken) =>
        Home.GetOrAddSettingAsync(key, valueIfMissing, cancellationToken);

    public Task UpdatePasswordHashAsync(Guid userId, string passwordHash, CancellationToken cancellationToken) =>
        Home.UpdatePasswordHashAsync(userId, passwordHash, cancellationToken);

    public Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Home.RevokeTokenAsync(tokenId, expiresAt, cancellationToken);

    public Task<bool> IsTokenRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        Home.IsTokenRevokedAsync(tokenId, cancellationToken);

    public Task<int> PurgeExpiredRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.PurgeExpiredRevocationsAsync(now, cancellationToken);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken) =>
        Home.ListKeysAsync(purpose, cancellationToken);

    public Task<bool> TryAddKeyAsync(StoredKey key, CancellationToken cancellationToken) =>
        Home.TryAddKeyAsync(key, cancellationToken);
}
