using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement InsertRevokedToken = new(nameof(InsertRevokedToken), d => d.InsertOrIgnore(
        "RevokedTokens", "TokenId, ExpiresAt", "@tokenId, @expiresAt"));

    private static readonly SqlStatement SelectRevokedToken = new(nameof(SelectRevokedToken), """
        SELECT 1 FROM RevokedTokens WHERE TokenId = @tokenId
        """);

    private static readonly SqlStatement DeleteExpiredRevokedTokens = new(nameof(DeleteExpiredRevokedTokens), """
        DELETE FROM RevokedTokens WHERE ExpiresAt < @now
        """);

    private static readonly SqlStatement SelectAuthKeys = new(nameof(SelectAuthKeys), """
        SELECT Purpose, Id, Material, CreatedAt FROM AuthKeys WHERE Purpose = @purpose ORDER BY CreatedAt, Id
        """);

    private static readonly SqlStatement InsertAuthKey = new(nameof(InsertAuthKey), d => d.InsertOrIgnore(
        "AuthKeys", "Purpose, Id, Material, CreatedAt", "@purpose, @keyId, @material, @createdAt"));

    public Task RevokeTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(InsertRevokedToken).Bind("@tokenId", a.TokenId).Bind("@expiresAt", UnixMicros.From(a.ExpiresAt)), ct),
            (TokenId: tokenId, ExpiresAt: expiresAt), cancellationToken);

    public Task<bool> IsTokenRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, id, ct) =>
            await s.ScalarAsync(s.Command(SelectRevokedToken).Bind("@tokenId", id), ct) is not (null or DBNull),
            tokenId, cancellationToken);

    public Task<int> PurgeExpiredRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, now, ct) =>
            await s.ExecuteAsync(s.Command(DeleteExpiredRevokedTokens).Bind("@now", UnixMicros.From(now)), ct),
            now, cancellationToken);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, purpose, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectAuthKeys).Bind("@purpose", purpose), ct);
            var keys = new List<StoredKey>();
            while (await reader.ReadAsync(ct))
            {
                keys.Add(new StoredKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3)));
            }

            return (IReadOnlyList<StoredKey>)keys;
        }, purpose, cancellationToken);

    public Task<bool> TryAddKeyAsync(StoredKey key, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, k, ct) =>
        {
            var command = s.Command(InsertAuthKey)
                .Bind("@purpose", k.Purpose)
                .Bind("@keyId", k.Id)
                .Bind("@material", k.Material)
                .Bind("@createdAt", UnixMicros.From(k.CreatedAt));
            return await s.ExecuteAsync(command, ct) == 1;
        }, key, cancellationToken);
}
