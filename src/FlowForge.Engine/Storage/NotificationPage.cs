namespace FlowForge.Engine.Storage;

/// <summary>A page of a user's notifications, newest first, with how many of all theirs are unread.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationRecord> Items, string? NextCursor, int UnreadCount);
