using FlowForge.Engine.Limits;

namespace FlowForge.Engine.Credentials;

/// <summary>
/// A stored connection of user <paramref name="OwnerId"/>. <paramref name="ProtectedSecret"/> is the secret fields as
/// sealed by <see cref="ISecretProtector"/> (authenticated encryption): never plain text, never returned by the API.
/// <paramref name="Version"/> changes on every update (optimistic concurrency: a refresh and a rename never overwrite
/// each other unseen).
/// </summary>
public sealed record ConnectionRecord(
    Guid Id,
    Guid OwnerId,
    string Name,
    ConnectionKind Kind,
    string? Provider,
    byte[] ProtectedSecret,
    ConnectionStatus Status,
    string? StatusReason,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>The connection's own rate limit (on top of its provider's); null when it has none.</summary>
    public RateLimitPolicy? RateLimit { get; init; }

    /// <summary>Non-secret settings of the connection (a generic OAuth provider's URLs, an API key's header name, an SMTP host).</summary>
    public string? SettingsJson { get; init; }
}
