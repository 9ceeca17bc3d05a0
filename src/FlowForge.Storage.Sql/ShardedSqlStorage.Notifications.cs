using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>Notification preferences, settings, in-app notifications and digests live beside the accounts, on shard 0.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task<FlowNotificationPreference?> GetPreferenceAsync(Guid userId, Guid flowId, CancellationToken cancellationToken) =>
        Home.GetPreferenceAsync(userId, flowId, cancellationToken);

    public Task SetPreferenceAsync(FlowNotificationPreference preference, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.SetPreferenceAsync(preference, now, cancellationToken);

    public Task<NotificationSettingsRecord?> GetSettingsAsync(Guid userId, CancellationToken cancellationToken) =>
        Home.GetSettingsAsync(userId, cancellationToken);

    public Task SetSettingsAsync(NotificationSettingsRecord settings, CancellationToken cancellationToken) =>
        Home.SetSettingsAsync(settings, cancellationToken);

    public Task<RecordedFailure> RecordRunFailureAsync(RunFailure failure, NotificationLimits limits, CancellationToken cancellationToken) =>
        Home.RecordRunFailureAsync(failure, limits, cancellationToken);

    public Task<NotificationPage> ListNotificationsAsync(Guid userId, bool unreadOnly, PageRequest page, CancellationToken cancellationToken) =>
        Home.ListNotificationsAsync(userId, unreadOnly, page, cancellationToken);

    public Task<int> MarkReadAsync(Guid userId, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.MarkReadAsync(userId, ids, now, cancellationToken);

    public Task<IReadOnlyList<DigestClaim>> ClaimDueDigestsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        Home.ClaimDueDigestsAsync(now, leaseUntil, max, cancellationToken);

    public Task CompleteDigestAsync(Guid userId, Guid claimId, DateTimeOffset sentAt, DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        Home.CompleteDigestAsync(userId, claimId, sentAt, nextDueAt, cancellationToken);

    public Task FailDigestAsync(Guid userId, Guid claimId, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        Home.FailDigestAsync(userId, claimId, retryAt, cancellationToken);

    public Task<int> PurgeRecordedFailuresAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Home.PurgeRecordedFailuresAsync(before, cancellationToken);
}
