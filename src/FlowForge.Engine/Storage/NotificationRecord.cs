namespace FlowForge.Engine.Storage;

/// <summary>An in-app notification. <paramref name="Count"/> is how many failures of the flow it stands for; run and error are the latest.</summary>
public sealed record NotificationRecord(
    Guid Id,
    Guid UserId,
    string Kind,
    Guid FlowId,
    string FlowName,
    Guid RunId,
    string? Error,
    int Count,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt)
{
    public const string RunFailed = "runFailed";
}
