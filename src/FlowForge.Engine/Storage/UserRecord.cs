namespace FlowForge.Engine.Storage;

/// <summary>An account; <paramref name="IsOwner"/> marks the one created by first-run setup.</summary>
public sealed record UserRecord(Guid Id, string Email, string PasswordHash, DateTimeOffset CreatedAt, bool IsOwner = false);
