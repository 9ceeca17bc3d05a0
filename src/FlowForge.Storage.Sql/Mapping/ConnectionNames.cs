using FlowForge.Engine.Credentials;

namespace FlowForge.Storage.Sql.Mapping;

/// <summary>Connection kinds and statuses as stored: the camel-case names the API uses.</summary>
internal static class ConnectionNames
{
    public static string Of(ConnectionKind kind) => kind switch
    {
        ConnectionKind.OAuth2 => "oauth2",
        ConnectionKind.ApiKey => "apiKey",
        ConnectionKind.Bearer => "bearer",
        ConnectionKind.Basic => "basic",
        ConnectionKind.Headers => "headers",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown connection kind."),
    };

    public static ConnectionKind KindOf(string name) => name switch
    {
        "oauth2" => ConnectionKind.OAuth2,
        "apiKey" => ConnectionKind.ApiKey,
        "bearer" => ConnectionKind.Bearer,
        "basic" => ConnectionKind.Basic,
        "headers" => ConnectionKind.Headers,
        _ => throw new InvalidDataException($"The stored connection kind '{name}' is not known to this version."),
    };

    public static string Of(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Connected => "connected",
        ConnectionStatus.Broken => "broken",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown connection status."),
    };

    public static ConnectionStatus StatusOf(string name) => name switch
    {
        "connected" => ConnectionStatus.Connected,
        "broken" => ConnectionStatus.Broken,
        _ => throw new InvalidDataException($"The stored connection status '{name}' is not known to this version."),
    };
}
