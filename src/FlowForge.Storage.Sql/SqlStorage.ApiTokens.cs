using System.Data.Common;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private const string ApiTokenColumns = "Id, UserId, Name, SecretHash, CreatedAt, ExpiresAt, LastUsedAt";

    // Locks the user's row, so that concurrent additions for one user count one after the other on every database.
    private static readonly SqlStatement LockUser = new(nameof(LockUser), """
        UPDATE Users SET Email = Email WHERE Id = @userId
        """);

    private static readonly SqlStatement CountLiveApiTokens = new(nameof(CountLiveApiTokens), """
        SELECT COUNT(*) FROM ApiTokens WHERE UserId = @userId AND (ExpiresAt IS NULL OR ExpiresAt > @now)
        """);

    private static readonly SqlStatement InsertApiToken = new(nameof(InsertApiToken), $"""
        INSERT INTO ApiTokens ({ApiTokenColumns}) VALUES (@id, @userId, @name, @secretHash, @createdAt, @expiresAt, NULL)
        """);

    private static readonly SqlStatement SelectApiTokensOfUser = new(nameof(SelectApiTokensOfUser), $"""
        SELECT {ApiTokenColumns} FROM ApiTokens WHERE UserId = @userId ORDER BY CreatedAt, Id
        """);

    private static readonly SqlStatement SelectApiTokenByHash = new(nameof(SelectApiTokenByHash), $"""
        SELECT {ApiTokenColumns} FROM ApiTokens WHERE SecretHash = @secretHash
        """);

    private static readonly SqlStatement DeleteApiToken = new(nameof(DeleteApiToken), """
        DELETE FROM ApiTokens WHERE Id = @id AND UserId = @userId
        """);

    private static readonly SqlStatement UpdateApiTokenLastUsed = new(nameof(UpdateApiTokenLastUsed), """
        UPDATE ApiTokens SET LastUsedAt = @usedAt WHERE Id = @id AND (LastUsedAt IS NULL OR LastUsedAt < @notBefore)
        """);

    private static readonly SqlStatement DeleteExpiredApiTokens = new(nameof(DeleteExpiredApiTokens), """
        DELETE FROM ApiTokens WHERE ExpiresAt < @before
        """);

    public Task<bool> TryAddApiTokenAsync(ApiTokenRecord token, int maxPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(LockUser).Bind("@userId", a.Token.UserId), ct);
            var count = Convert.ToInt64(await s.ScalarAsync(s.Command(CountLiveApiTokens).Bind("@userId", a.Token.UserId).Bind("@now", UnixMicros.From(a.Now)), ct), System.Globalization.CultureInfo.InvariantCulture);
            if (count >= a.MaxPerUser)
            {
                return false;
            }

            var command = s.Command(InsertApiToken)
                .Bind("@id", a.Token.Id)
                .Bind("@userId", a.Token.UserId)
                .Bind("@name", a.Token.Name)
                .Bind("@secretHash", a.Token.SecretHash)
                .Bind("@createdAt", UnixMicros.From(a.Token.CreatedAt))
                .Bind("@expiresAt", a.Token.ExpiresAt is { } expires ? UnixMicros.From(expires) : null);
            return await s.ExecuteAsync(command, ct) == 1;
        }, (Token: token, MaxPerUser: maxPerUser, Now: now), cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListApiTokensAsync(Guid userId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, userId, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectApiTokensOfUser).Bind("@userId", userId), ct);
            var tokens = new List<ApiTokenRecord>();
            while (await reader.ReadAsync(ct))
            {
                tokens.Add(ReadApiToken(reader));
            }

            return (IReadOnlyList<ApiTokenRecord>)tokens;
        }, userId, cancellationToken);

    public Task<ApiTokenRecord?> FindApiTokenAsync(string secretHash, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, hash, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectApiTokenByHash).Bind("@secretHash", hash), ct);
            return await reader.ReadAsync(ct) ? ReadApiToken(reader) : null;
        }, secretHash, cancellationToken);

    public Task<bool> DeleteApiTokenAsync(Guid userId, Guid tokenId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(DeleteApiToken).Bind("@id", a.TokenId).Bind("@userId", a.UserId), ct) == 1,
            (UserId: userId, TokenId: tokenId), cancellationToken);

    public Task TouchApiTokenAsync(Guid tokenId, DateTimeOffset usedAt, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(UpdateApiTokenLastUsed).Bind("@id", a.TokenId).Bind("@usedAt", UnixMicros.From(a.UsedAt)).Bind("@notBefore", UnixMicros.From(a.NotBefore)), ct),
            (TokenId: tokenId, UsedAt: usedAt, NotBefore: notBefore), cancellationToken);

    public Task<int> PurgeExpiredApiTokensAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, before, ct) =>
            await s.ExecuteAsync(s.Command(DeleteExpiredApiTokens).Bind("@before", UnixMicros.From(before)), ct),
            before, cancellationToken);

    private static ApiTokenRecord ReadApiToken(DbDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4), reader.GetNullableTime(5), reader.GetNullableTime(6));
}
