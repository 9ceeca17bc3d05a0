namespace FlowForge.Server.Connections.Providers;

/// <summary>How a provider's token endpoint answers.</summary>
public enum TokenResponseShape
{
    /// <summary>RFC 6749 JSON (or form-encoded, as GitHub sends without an Accept header): errors as 4xx with <c>error</c>.</summary>
    Standard,

    /// <summary>Slack: always 200, <c>ok:false</c> and <c>error</c> on failure; a user token nested in <c>authed_user</c>.</summary>
    Slack,
}
