namespace FlowForge.Engine.Credentials;

/// <summary>How a connection authenticates. The API spells them in camel case (<c>apiKey</c>, <c>oauth2</c>).</summary>
public enum ConnectionKind
{
    /// <summary>OAuth 2.0 tokens from an authorization-code round trip, refreshed before expiry.</summary>
    OAuth2,

    /// <summary>A key sent in a header or a query parameter.</summary>
    ApiKey,

    /// <summary>A fixed bearer token (<c>Authorization: Bearer …</c>).</summary>
    Bearer,

    /// <summary>A user name and password (<c>Authorization: Basic …</c>, or SMTP credentials).</summary>
    Basic,

    /// <summary>Custom headers added to every request.</summary>
    Headers,
}
