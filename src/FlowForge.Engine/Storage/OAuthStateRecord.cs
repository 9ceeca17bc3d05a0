namespace FlowForge.Engine.Storage;

/// <summary>
/// An OAuth authorization started by user <paramref name="UserId"/> and not yet completed. It is found by the SHA-256
/// (hex) of its <c>state</c> parameter, and only by a browser that shows the nonce whose SHA-256 is
/// <paramref name="BindingHash"/>. <paramref name="ProtectedData"/> holds, sealed, what must not be stored in plain text
/// (the PKCE verifier, a generic provider's client secret) and the details of the connection to create.
/// </summary>
public sealed record OAuthStateRecord(
    string StateHash,
    Guid UserId,
    string Provider,
    string BindingHash,
    string RedirectUri,
    Guid? ConnectionId,
    byte[] ProtectedData,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
