using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement SelectDueDigests = new(nameof(SelectDueDigests), """
        SELECT UserId FROM NotificationSettings WHERE NextDueAt <= @now ORDER BY NextDueAt LIMIT @limit
        """);

    // Moving NextDueAt to the end of the lease is the claim: a second process's update finds the row no longer due.
    private static readonly SqlStatement ClaimDigest = new(nameof(ClaimDigest), """
        UPDATE NotificationSettings SET NextDueAt = @leaseUntil, ClaimId = @claimId WHERE UserId = @userId AND NextDueAt <= @now
        """);

    private static readonly SqlStatement SelectClaimedSettings = new(nameof(SelectClaimedSettings), """
        SELECT Email, DigestMinutes, Attempts, Omitted FROM NotificationSettings WHERE UserId = @userId
        """);

    private static readonly SqlStatement ClaimDigestItems = new(nameof(ClaimDigestItems), """
        UPDATE DigestItems SET ClaimId = @claimId WHERE UserId = @userId
        """);

    private static readonly SqlStatement SelectClaimedDigestItems = new(nameof(SelectClaimedDigestItems), """
        SELECT FlowId, FlowName, RunId, Error, At FROM DigestItems WHERE UserId = @userId AND ClaimId = @claimId
        """);

    private static readonly SqlStatement DeleteClaimedDigestItems = new(nameof(DeleteClaimedDigestItems), """
        DELETE FROM DigestItems WHERE UserId = @userId AND ClaimId = @claimId
        """);

    private static readonly SqlStatement CompleteDigest = new(nameof(CompleteDigest), """
        UPDATE NotificationSettings SET LastSentAt = @sentAt, NextDueAt = @nextDueAt, ClaimId = NULL, Attempts = 0, Omitted = 0
        WHERE UserId = @userId AND ClaimId = @claimId
        """);

    private static readonly SqlStatement RetryDigest = new(nameof(RetryDigest), """
        UPDATE NotificationSettings SET NextDueAt = @retryAt, ClaimId = NULL, Attempts = Attempts + 1
        WHERE UserId = @userId AND ClaimId = @claimId
        """);

    public async Task<IReadOnlyList<DigestClaim>> ClaimDueDigestsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        var due = await _executor.ReadAsync(static async (s, a, ct) =>
        {
            var users = new List<Guid>();
            await using var reader = await s.ReaderAsync(s.Command(SelectDueDigests).Bind("@now", a.Now).Bind("@limit", a.Max), ct);
            while (await reader.ReadAsync(ct))
            {
                users.Add(reader.GetGuid(0));
            }

            return users;
        }, (Now: UnixMicros.From(now), Max: max), cancellationToken);

        var claims = new List<DigestClaim>();
        foreach (var userId in due)
        {
            var claim = await _executor.WriteAsync(static async (s, a, ct) =>
            {
                var claimId = Guid.NewGuid();
                if (await s.ExecuteAsync(s.Command(ClaimDigest).Bind("@userId", a.UserId).Bind("@now", a.Now).Bind("@leaseUntil", a.LeaseUntil).Bind("@claimId", claimId), ct) != 1)
                {
                    return null;
                }

                // Takes every waiting failure, those of an earlier claim that was never completed too.
                await s.ExecuteAsync(s.Command(ClaimDigestItems).Bind("@userId", a.UserId).Bind("@claimId", claimId), ct);
                string? email;
                int? minutes;
                int attempts, omitted;
                await using (var reader = await s.ReaderAsync(s.Command(SelectClaimedSettings).Bind("@userId", a.UserId), ct))
                {
                    await reader.ReadAsync(ct);
                    email = reader.GetNullableString(0);
                    minutes = reader.IsDBNull(1) ? null : Int(reader, 1);
                    attempts = Int(reader, 2);
                    omitted = Int(reader, 3);
                }

                var items = new List<DigestItem>();
                await using (var reader = await s.ReaderAsync(s.Command(SelectClaimedDigestItems).Bind("@userId", a.UserId).Bind("@claimId", claimId), ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        items.Add(new DigestItem(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetNullableString(3), reader.GetTime(4)));
                    }
                }

                items.Sort((x, y) => x.At.CompareTo(y.At));
                return new DigestClaim(a.UserId, claimId, email, minutes, attempts, omitted, items);
            }, (UserId: userId, Now: UnixMicros.From(now), LeaseUntil: UnixMicros.From(leaseUntil)), cancellationToken);
            if (claim is not null)
            {
                claims.Add(claim);
            }
        }

        return claims;
    }

    public Task CompleteDigestAsync(Guid userId, Guid claimId, DateTimeOffset sentAt, DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(DeleteClaimedDigestItems).Bind("@userId", a.UserId).Bind("@claimId", a.ClaimId), ct);
            var remaining = Convert.ToInt64(await s.ScalarAsync(s.Command(CountDigestItemsOfUser).Bind("@userId", a.UserId), ct), System.Globalization.CultureInfo.InvariantCulture);
            return await s.ExecuteAsync(s.Command(CompleteDigest)
                .Bind("@userId", a.UserId)
                .Bind("@claimId", a.ClaimId)
                .Bind("@sentAt", UnixMicros.From(a.SentAt))
                .Bind("@nextDueAt", remaining > 0 ? UnixMicros.From(a.NextDueAt) : null), ct);
        }, (UserId: userId, ClaimId: claimId, SentAt: sentAt, NextDueAt: nextDueAt), cancellationToken);

    public Task FailDigestAsync(Guid userId, Guid claimId, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            if (a.RetryAt is { } retry)
            {
                return await s.ExecuteAsync(s.Command(RetryDigest).Bind("@userId", a.UserId).Bind("@claimId", a.ClaimId).Bind("@retryAt", UnixMicros.From(retry)), ct);
            }

            await s.ExecuteAsync(s.Command(DeleteClaimedDigestItems).Bind("@userId", a.UserId).Bind("@claimId", a.ClaimId), ct);
            var remaining = Convert.ToInt64(await s.ScalarAsync(s.Command(CountDigestItemsOfUser).Bind("@userId", a.UserId), ct), System.Globalization.CultureInfo.InvariantCulture);
            return await s.ExecuteAsync(s.Command(CompleteDigest)
                .Bind("@userId", a.UserId)
                .Bind("@claimId", a.ClaimId)
                .Bind("@sentAt", null)
                .Bind("@nextDueAt", remaining > 0 ? UnixMicros.From(a.DueAt) : null), ct);
        }, (UserId: userId, ClaimId: claimId, RetryAt: retryAt, DueAt: DateTimeOffset.UnixEpoch), cancellationToken);
}
