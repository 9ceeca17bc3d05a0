namespace FlowForge.Engine.Storage;

/// <summary>Failure-notification preferences per (user, flow), email settings per user, and the in-app notifications.</summary>
public interface INotificationStore
{
    /// <summary>The user's choice for the flow; null when the user never chose (told of nothing).</summary>
    Task<FlowNotificationPreference?> GetPreferenceAsync(Guid userId, Guid flowId, CancellationToken cancellationToken);

    Task SetPreferenceAsync(FlowNotificationPreference preference, DateTimeOffset now, CancellationToken cancellationToken);

    Task<NotificationSettingsRecord?> GetSettingsAsync(Guid userId, CancellationToken cancellationToken);

    Task SetSettingsAsync(NotificationSettingsRecord settings, CancellationToken cancellationToken);

    /// <summary>
    /// Records the failure once (a second call for the same run and attempt changes nothing) for every user who chose to be
    /// told of the flow's failures: an in-app notification and/or a failure waiting for the user's email digest.
    /// </summary>
    Task<RecordedFailure> RecordRunFailureAsync(RunFailure failure, NotificationLimits limits, CancellationToken cancellationToken);

    /// <summary>The user's notifications, newest first, cursor paged; only unread ones when <paramref name="unreadOnly"/>.</summary>
    Task<NotificationPage> ListNotificationsAsync(Guid userId, bool unreadOnly, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Marks the user's notifications named (or all when <paramref name="ids"/> is null) read; returns how many changed.</summary>
    Task<int> MarkReadAsync(Guid userId, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken cancellationToken);
}
