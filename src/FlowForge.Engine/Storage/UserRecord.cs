namespace FlowForge.Engine.Storage;

public sealed record UserRecord(Guid Id, string Email, string PasswordHash, DateTimeOffset CreatedAt);
