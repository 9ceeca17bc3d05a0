using FlowForge.Engine.Storage;

namespace FlowForge.Server.Notifications;

/// <summary>An in-app notification as the API and the live hub send it.</summary>
internal sealed record NotificationView(Guid Id, string Kind, Guid FlowId, string FlowName, Guid RunId, string? Error, int? Count, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static NotificationView From(NotificationRecord record) => new(
        record.Id, record.Kind, record.FlowId, record.FlowName, record.RunId, record.Error, record.Count > 1 ? record.Count : null, record.CreatedAt, record.ReadAt);
}
