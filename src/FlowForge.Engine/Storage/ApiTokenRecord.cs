namespace FlowForge.Engine.Storage;

/// <summary>
/// A named API token of user <paramref name="UserId"/>. Only the SHA-256 (hex) of its secret is kept;
/// <paramref name="ExpiresAt"/> is null for a token that does not expire.
/// </summary>
public sealed record ApiTokenRecord(
    Guid Id, Guid UserId, string Name, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);
