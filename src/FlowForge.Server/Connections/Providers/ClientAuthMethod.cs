namespace FlowForge.Server.Connections.Providers;

/// <summary>How the client id and secret reach the token endpoint.</summary>
public enum ClientAuthMethod
{
    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    Body,

    /// <summary>An <c>Authorization: Basic</c> header (RFC 6749 section 2.3.1).</summary>
    Basic,
}
