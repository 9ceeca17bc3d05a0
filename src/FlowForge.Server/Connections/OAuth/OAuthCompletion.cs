namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// How an authorization ended: the connection stored, or an <paramref name="Error"/> code (<c>access_denied</c>,
/// <c>invalid_state</c>, <c>expired_state</c>, <c>wrong_browser</c>, <c>refused</c>, <c>unavailable</c>) with a message for the user.
/// </summary>
internal sealed record OAuthCompletion(Guid? ConnectionId, string? Error, string? Message, bool Popup)
{
    public static OAuthCompletion Failed(string error, string message, bool popup = false) => new(null, error, message, popup);
}
