using System.Data.Common;
using System.Globalization;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private const string NotificationColumns = "Id, UserId, Kind, FlowId, FlowName, RunId, Error, Count, CreatedAt, ReadAt";

    private static readonly SqlStatement SelectPreference = new(nameof(SelectPreference), """
        SELECT InApp, Email FROM NotificationPreferences WHERE UserId = @userId AND FlowId = @flowId
        """);

    private static readonly SqlStatement DeletePreference = new(nameof(DeletePreference), """
        DELETE FROM NotificationPreferences WHERE UserId = @userId AND FlowId = @flowId
        """);

    private static readonly SqlStatement InsertPreference = new(nameof(InsertPreference), """
        INSERT INTO NotificationPreferences (UserId, FlowId, InApp, Email, UpdatedAt) VALUES (@userId, @flowId, @onInApp, @onEmail, @updatedAt)
        """);

    private static readonly SqlStatement SelectPreferencesOfFlow = new(nameof(SelectPreferencesOfFlow), """
        SELECT UserId, InApp, Email FROM NotificationPreferences WHERE FlowId = @flowId
        """);

    private static readonly SqlStatement InsertDefaultNotificationSettings = new(nameof(InsertDefaultNotificationSettings), d => d.InsertOrIgnore(
        "NotificationSettings", "UserId, Attempts, Omitted", "@userId, 0, 0"));

    private static readonly SqlStatement SelectNotificationSettings = new(nameof(SelectNotificationSettings), """
        SELECT Email, DigestMinutes, LastSentAt, NextDueAt FROM NotificationSettings WHERE UserId = @userId
        """);

    private static readonly SqlStatement UpdateNotificationSettings = new(nameof(UpdateNotificationSettings), """
        UPDATE NotificationSettings SET Email = @email, DigestMinutes = @digestMinutes WHERE UserId = @userId
        """);

    private static readonly SqlStatement InsertRecordedFailure = new(nameof(InsertRecordedFailure), d => d.InsertOrIgnore(
        "NotifiedRunFailures", "RunId, Attempt, RecordedAt", "@runId, @attempt, @recordedAt"));

    private static readonly SqlStatement DeleteRecordedFailures = new(nameof(DeleteRecordedFailures), """
        DELETE FROM NotifiedRunFailures WHERE RecordedAt < @before
        """);

    private static readonly SqlStatement SelectCollapsibleNotification = new(nameof(SelectCollapsibleNotification), """
        SELECT Id FROM Notifications
        WHERE UserId = @userId AND FlowId = @flowId AND UpdatedAt >= @since AND ReadAt IS NULL
        ORDER BY UpdatedAt DESC
        LIMIT 1
        """);

    private static readonly SqlStatement UpdateCollapsedNotification = new(nameof(UpdateCollapsedNotification), """
        UPDATE Notifications SET Count = Count + 1, RunId = @runId, Error = @error, FlowName = @flowName, UpdatedAt = @updatedAt WHERE Id = @id
        """);

    private static readonly SqlStatement InsertNotification = new(nameof(InsertNotification), """
        INSERT INTO Notifications (Id, UserId, Kind, FlowId, FlowName, RunId, Error, Count, CreatedAt, UpdatedAt, ReadAt)
        VALUES (@id, @userId, @kind, @flowId, @flowName, @runId, @error, 1, @createdAt, @createdAt, NULL)
        """);

    private static readonly SqlStatement CountNotificationsOfUser = new(nameof(CountNotificationsOfUser), """
        SELECT COUNT(*) FROM Notifications WHERE UserId = @userId
        """);

    private static readonly SqlStatement SelectOldestNotifications = new(nameof(SelectOldestNotifications), """
        SELECT Id FROM Notifications WHERE UserId = @userId ORDER BY CreatedAt, Id LIMIT @limit
        """);

    private static readonly SqlStatement DeleteNotification = new(nameof(DeleteNotification), """
        DELETE FROM Notifications WHERE Id = @id
        """);

    private static readonly SqlStatement SelectNotificationById = new(nameof(SelectNotificationById), $"""
        SELECT {NotificationColumns} FROM Notifications WHERE Id = @id
        """);

    private static readonly SqlStatement SelectNotificationsOfRun = new(nameof(SelectNotificationsOfRun), $"""
        SELECT {NotificationColumns} FROM Notifications WHERE RunId = @runId
        """);

    // On MySQL both listings are named by the index of their order (see RunsByIndex): a page 2,000 notifications deep read
    // 4,199 rows without it (4,399 of the unread ones). The unread listing reads the read notifications between its rows too.
    private static readonly SqlStatement ListNotificationsOfUser = new(nameof(ListNotificationsOfUser), d => $"""
        SELECT {NotificationColumns} FROM {ByIndex(d, "Notifications", "IX_Notifications_User_Created")}
        WHERE UserId = @userId
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    private static readonly SqlStatement ListUnreadNotificationsOfUser = new(nameof(ListUnreadNotificationsOfUser), d => $"""
        SELECT {NotificationColumns} FROM {ByIndex(d, "Notifications", "IX_Notifications_User_Created")}
        WHERE UserId = @userId AND ReadAt IS NULL
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    private static readonly SqlStatement CountUnreadNotifications = new(nameof(CountUnreadNotifications), """
        SELECT COUNT(*) FROM Notifications WHERE UserId = @userId AND ReadAt IS NULL
        """);

    private static readonly SqlStatement MarkAllNotificationsRead = new(nameof(MarkAllNotificationsRead), """
        UPDATE Notifications SET ReadAt = @readAt WHERE UserId = @userId AND ReadAt IS NULL
        """);

    private static readonly SqlStatement MarkNotificationRead = new(nameof(MarkNotificationRead), """
        UPDATE Notifications SET ReadAt = @readAt WHERE Id = @id AND UserId = @userId AND ReadAt IS NULL
        """);

    private static readonly SqlStatement CountDigestItemsOfUser = new(nameof(CountDigestItemsOfUser), """
        SELECT COUNT(*) FROM DigestItems WHERE UserId = @userId
        """);

    private static readonly SqlStatement InsertDigestItem = new(nameof(InsertDigestItem), """
        INSERT INTO DigestItems (Id, UserId, FlowId, FlowName, RunId, Error, At, ClaimId)
        VALUES (@id, @userId, @flowId, @flowName, @runId, @error, @at, NULL)
        """);

    private static readonly SqlStatement IncrementDigestOmitted = new(nameof(IncrementDigestOmitted), """
        UPDATE NotificationSettings SET Omitted = Omitted + 1 WHERE UserId = @userId
        """);

    private static readonly SqlStatement ScheduleDigest = new(nameof(ScheduleDigest), """
        UPDATE NotificationSettings SET NextDueAt = @nextDueAt WHERE UserId = @userId AND NextDueAt IS NULL
        """);

    public Task<FlowNotificationPreference?> GetPreferenceAsync(Guid userId, Guid flowId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectPreference).Bind("@userId", a.UserId).Bind("@flowId", a.FlowId), ct);
            return await reader.ReadAsync(ct)
                ? new FlowNotificationPreference(a.UserId, a.FlowId, Flag(reader, 0), Flag(reader, 1))
                : null;
        }, (UserId: userId, FlowId: flowId), cancellationToken);

    public Task SetPreferenceAsync(FlowNotificationPreference preference, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(DeletePreference).Bind("@userId", a.P.UserId).Bind("@flowId", a.P.FlowId), ct);
            if (a.P.InApp || a.P.Email)
            {
                await s.ExecuteAsync(s.Command(InsertPreference)
                    .Bind("@userId", a.P.UserId)
                    .Bind("@flowId", a.P.FlowId)
                    .Bind("@onInApp", a.P.InApp ? 1 : 0)
                    .Bind("@onEmail", a.P.Email ? 1 : 0)
                    .Bind("@updatedAt", UnixMicros.From(a.Now)), ct);
            }

            return 0;
        }, (P: preference, Now: now), cancellationToken);

    public Task<NotificationSettingsRecord?> GetSettingsAsync(Guid userId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, userId, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectNotificationSettings).Bind("@userId", userId), ct);
            return await reader.ReadAsync(ct)
                ? new NotificationSettingsRecord(userId, reader.GetNullableString(0), reader.IsDBNull(1) ? null : Int(reader, 1))
                : null;
        }, userId, cancellationToken);

    public Task SetSettingsAsync(NotificationSettingsRecord settings, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(InsertDefaultNotificationSettings).Bind("@userId", a.UserId), ct);
            return await s.ExecuteAsync(s.Command(UpdateNotificationSettings)
                .Bind("@userId", a.UserId)
                .Bind("@email", a.Email)
                .Bind("@digestMinutes", a.DigestMinutes), ct);
        }, settings, cancellationToken);

    public Task<RecordedFailure> RecordRunFailureAsync(RunFailure failure, NotificationLimits limits, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var (failure, limits) = (a.Failure, a.Limits);
            var now = UnixMicros.From(failure.At);
            var inserted = await s.ExecuteAsync(s.Command(InsertRecordedFailure)
                .Bind("@runId", failure.RunId).Bind("@attempt", failure.Attempt).Bind("@recordedAt", now), ct);
            if (inserted != 1)
            {
                return new RecordedFailure(false, await ReadNotificationsAsync(s, s.Command(SelectNotificationsOfRun).Bind("@runId", failure.RunId), ct));
            }

            var watchers = new List<(Guid UserId, bool InApp, bool Email)>();
            await using (var reader = await s.ReaderAsync(s.Command(SelectPreferencesOfFlow).Bind("@flowId", failure.FlowId), ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    watchers.Add((reader.GetGuid(0), Flag(reader, 1), Flag(reader, 2)));
                }
            }

            var error = Truncate(failure.Error, limits.MaxErrorLength);
            var flowName = Truncate(failure.FlowName, 400)!;
            var touched = new List<NotificationRecord>();
            foreach (var (userId, inApp, email) in watchers)
            {
                // One user's notifications change one transaction at a time on every database.
                await s.ExecuteAsync(s.Command(LockUser).Bind("@userId", userId), ct);
                if (inApp)
                {
                    touched.Add(await AddInAppAsync(s, userId, failure, flowName, error, limits, ct));
                }

                if (email && limits.QueueEmail)
                {
                    await QueueDigestItemAsync(s, userId, failure, flowName, error, limits, ct);
                }
            }

            return new RecordedFailure(true, touched);
        }, (Failure: failure, Limits: limits), cancellationToken);

    private static async ValueTask<NotificationRecord> AddInAppAsync(
        SqlSession s, Guid userId, RunFailure failure, string flowName, string? error, NotificationLimits limits, CancellationToken ct)
    {
        var now = UnixMicros.From(failure.At);
        var since = UnixMicros.From(failure.At - limits.CollapseWindow);
        Guid? existing = null;
        await using (var reader = await s.ReaderAsync(s.Command(SelectCollapsibleNotification)
            .Bind("@userId", userId).Bind("@flowId", failure.FlowId).Bind("@since", since), ct))
        {
            if (await reader.ReadAsync(ct))
            {
                existing = reader.GetGuid(0);
            }
        }

        Guid id;
        if (existing is { } found)
        {
            id = found;
            await s.ExecuteAsync(s.Command(UpdateCollapsedNotification)
                .Bind("@id", id).Bind("@runId", failure.RunId).Bind("@error", error).Bind("@flowName", flowName).Bind("@updatedAt", now), ct);
        }
        else
        {
            id = Guid.CreateVersion7(failure.At);
            await s.ExecuteAsync(s.Command(InsertNotification)
                .Bind("@id", id)
                .Bind("@userId", userId)
                .Bind("@kind", NotificationRecord.RunFailed)
                .Bind("@flowId", failure.FlowId)
                .Bind("@flowName", flowName)
                .Bind("@runId", failure.RunId)
                .Bind("@error", error)
                .Bind("@createdAt", now), ct);
            var count = Convert.ToInt64(await s.ScalarAsync(s.Command(CountNotificationsOfUser).Bind("@userId", userId), ct), CultureInfo.InvariantCulture);
            if (count > limits.MaxPerUser)
            {
                var oldest = new List<Guid>();
                await using (var reader = await s.ReaderAsync(s.Command(SelectOldestNotifications).Bind("@userId", userId).Bind("@limit", count - limits.MaxPerUser), ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        oldest.Add(reader.GetGuid(0));
                    }
                }

                foreach (var old in oldest)
                {
                    await s.ExecuteAsync(s.Command(DeleteNotification).Bind("@id", old), ct);
                }
            }
        }

        var items = await ReadNotificationsAsync(s, s.Command(SelectNotificationById).Bind("@id", id), ct);
        return items[0];
    }

    private static async ValueTask QueueDigestItemAsync(
        SqlSession s, Guid userId, RunFailure failure, string flowName, string? error, NotificationLimits limits, CancellationToken ct)
    {
        await s.ExecuteAsync(s.Command(InsertDefaultNotificationSettings).Bind("@userId", userId), ct);
        var pending = Convert.ToInt64(await s.ScalarAsync(s.Command(CountDigestItemsOfUser).Bind("@userId", userId), ct), CultureInfo.InvariantCulture);
        if (pending >= limits.MaxDigestItemsPerUser)
        {
            await s.ExecuteAsync(s.Command(IncrementDigestOmitted).Bind("@userId", userId), ct);
        }
        else
        {
            await s.ExecuteAsync(s.Command(InsertDigestItem)
                .Bind("@id", Guid.CreateVersion7(failure.At))
                .Bind("@userId", userId)
                .Bind("@flowId", failure.FlowId)
                .Bind("@flowName", flowName)
                .Bind("@runId", failure.RunId)
                .Bind("@error", error)
                .Bind("@at", UnixMicros.From(failure.At)), ct);
        }

        // The first failure after a quiet period waits FirstDigestDelay, so that a burst goes out as one digest; and never
        // sooner than the user's interval after the previous digest.
        int? minutes;
        long? lastSent;
        await using (var reader = await s.ReaderAsync(s.Command(SelectNotificationSettings).Bind("@userId", userId), ct))
        {
            await reader.ReadAsync(ct);
            minutes = reader.IsDBNull(1) ? null : Int(reader, 1);
            lastSent = reader.GetNullableInt64(2);
        }

        var due = failure.At + limits.FirstDigestDelay;
        if (lastSent is { } sent)
        {
            var earliest = UnixMicros.ToTime(sent) + TimeSpan.FromMinutes(minutes ?? limits.DefaultDigestMinutes);
            due = earliest > due ? earliest : due;
        }

        await s.ExecuteAsync(s.Command(ScheduleDigest).Bind("@userId", userId).Bind("@nextDueAt", UnixMicros.From(due)), ct);
    }

    public Task<NotificationPage> ListNotificationsAsync(Guid userId, bool unreadOnly, PageRequest page, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(PageCursor.Notifications, page.Cursor);
        return _executor.ReadAsync(static async (s, a, ct) =>
        {
            var command = s.Command(a.UnreadOnly ? ListUnreadNotificationsOfUser : ListNotificationsOfUser)
                .Bind("@userId", a.UserId)
                .Bind("@afterCreatedAt", a.After.CreatedAt)
                .Bind("@afterId", a.After.Id)
                .Bind("@limit", a.Limit + 1);
            var items = await ReadNotificationsAsync(s, command, ct);
            string? next = null;
            if (items.Count > a.Limit)
            {
                items = items.GetRange(0, a.Limit);
                var last = items[^1];
                next = PageCursor.Encode(PageCursor.Notifications, UnixMicros.From(last.CreatedAt), last.Id);
            }

            var unread = Convert.ToInt32(await s.ScalarAsync(s.Command(CountUnreadNotifications).Bind("@userId", a.UserId), ct), CultureInfo.InvariantCulture);
            return new NotificationPage(items, next, unread);
        }, (UserId: userId, UnreadOnly: unreadOnly, After: after, Limit: PageCursor.ClampLimit(page.Limit)), cancellationToken);
    }

    public Task<int> MarkReadAsync(Guid userId, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var readAt = UnixMicros.From(a.Now);
            if (a.Ids is null)
            {
                return await s.ExecuteAsync(s.Command(MarkAllNotificationsRead).Bind("@userId", a.UserId).Bind("@readAt", readAt), ct);
            }

            var changed = 0;
            foreach (var id in a.Ids)
            {
                changed += await s.ExecuteAsync(s.Command(MarkNotificationRead).Bind("@id", id).Bind("@userId", a.UserId).Bind("@readAt", readAt), ct);
            }

            return changed;
        }, (UserId: userId, Ids: ids, Now: now), cancellationToken);

    public Task<int> PurgeRecordedFailuresAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, before, ct) =>
            await s.ExecuteAsync(s.Command(DeleteRecordedFailures).Bind("@before", UnixMicros.From(before)), ct),
            before, cancellationToken);

    private static async ValueTask<List<NotificationRecord>> ReadNotificationsAsync(SqlSession s, DbCommand command, CancellationToken ct)
    {
        var items = new List<NotificationRecord>();
        await using var reader = await s.ReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new NotificationRecord(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4), reader.GetGuid(5),
                reader.GetNullableString(6), Int(reader, 7), reader.GetTime(8), reader.GetNullableTime(9)));
        }

        return items;
    }

    private static bool Flag(DbDataReader reader, int ordinal) => Int(reader, ordinal) != 0;

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
