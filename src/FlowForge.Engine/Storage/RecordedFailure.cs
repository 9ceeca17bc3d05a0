namespace FlowForge.Engine.Storage;

/// <summary>
/// The outcome of recording a failure: <paramref name="IsNew"/> is false when it was recorded before (by this or another
/// process); <paramref name="InApp"/> are the in-app notifications that stand for the run either way.
/// </summary>
public sealed record RecordedFailure(bool IsNew, IReadOnlyList<NotificationRecord> InApp);
