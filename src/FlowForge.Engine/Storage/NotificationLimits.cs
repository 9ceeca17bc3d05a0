namespace FlowForge.Engine.Storage;

/// <summary>
/// Bounds applied while recording a failure: in-app items kept per user, the window in which failures of one flow
/// collapse into one item, failures kept per user for the next digest, and when a digest becomes due.
/// <paramref name="QueueEmail"/> is false when no mail server is configured.
/// </summary>
public sealed record NotificationLimits(
    int MaxPerUser,
    TimeSpan CollapseWindow,
    int MaxDigestItemsPerUser,
    TimeSpan FirstDigestDelay,
    int DefaultDigestMinutes,
    int MaxErrorLength,
    bool QueueEmail);
