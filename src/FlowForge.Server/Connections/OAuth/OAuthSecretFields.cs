using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>The fields of an OAuth connection's sealed secret.</summary>
public static class OAuthSecretFields
{
    public const string AccessToken = SecretFields.AccessToken;

    public const string RefreshToken = SecretFields.RefreshToken;

    public const string TokenType = "tokenType";

    public const string IdToken = "idToken";

    /// <summary>The generic provider's client secret, entered by the user.</summary>
    public const string ClientSecret = "clientSecret";
}
