using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Connections;

/// <summary>A connection as the API shows it: everything but its secret, which is never returned, not even masked.</summary>
internal sealed record ConnectionView(
    Guid Id,
    string Name,
    string Kind,
    string? Provider,
    string Status,
    string? StatusReason,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    JsonNode? Settings,
    ConnectionRateLimit? RateLimit,
    bool HasSecret)
{
    public static ConnectionView From(ConnectionRecord record) => new(
        record.Id,
        record.Name,
        KindName(record.Kind),
        record.Provider,
        record.Status == ConnectionStatus.Broken ? "broken" : "connected",
        record.StatusReason,
        record.Scopes,
        record.ExpiresAt,
        record.CreatedAt,
        record.UpdatedAt,
        record.SettingsJson is { } json ? JsonNode.Parse(json) : null,
        record.RateLimit is { } limit ? new ConnectionRateLimit(limit.TokensPerSecond, limit.Capacity) : null,
        HasSecret: true);

    public static string KindName(ConnectionKind kind) => kind switch
    {
        ConnectionKind.OAuth2 => "oauth2",
        ConnectionKind.ApiKey => "apiKey",
        ConnectionKind.Bearer => "bearer",
        ConnectionKind.Basic => "basic",
        _ => "headers",
    };
}
