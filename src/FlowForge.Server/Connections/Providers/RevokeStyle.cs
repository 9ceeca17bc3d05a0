namespace FlowForge.Server.Connections.Providers;

/// <summary>How a provider is told to forget a connection's tokens.</summary>
public enum RevokeStyle
{
    /// <summary>RFC 7009: a form POST of <c>token</c> and <c>token_type_hint</c>, with the client's credentials.</summary>
    Rfc7009,

    /// <summary>Google: a POST with the token in the query (<c>?token=…</c>).</summary>
    TokenQuery,

    /// <summary>Slack <c>auth.revoke</c>: a POST authenticated by the token itself.</summary>
    Bearer,

    /// <summary>GitHub: <c>DELETE /applications/{client_id}/grant</c> with the client's basic credentials and <c>{"access_token"}</c>.</summary>
    GithubGrant,
}
