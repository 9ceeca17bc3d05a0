namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// A validated request to connect (or reconnect <paramref name="ConnectionId"/>) to <paramref name="Provider"/>.
/// <paramref name="Generic"/> is the user's own app, for the generic provider only.
/// </summary>
internal sealed record OAuthStart(
    string Provider,
    string? Name,
    IReadOnlyList<string> Scopes,
    Guid? ConnectionId,
    bool Popup,
    GenericOAuthApp? Generic);
