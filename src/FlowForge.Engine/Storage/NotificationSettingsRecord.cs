namespace FlowForge.Engine.Storage;

/// <summary>A user's email settings: null <paramref name="Email"/> uses the account's email, null <paramref name="DigestMinutes"/> the default interval.</summary>
public sealed record NotificationSettingsRecord(Guid UserId, string? Email, int? DigestMinutes);
