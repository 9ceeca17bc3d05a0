namespace FlowForge.Server.Connections.OAuth;

/// <summary>The fields of an OAuth connection's sealed secret.</summary>
public static class OAuthSecretFields
{
    public const string AccessToken = "accessToken";

    public const string RefreshToken = "refreshToken";

    public const string TokenType = "tokenType";

    public const string IdToken = "idToken";

    /// <summary>The generic provider's client secret, entered by the user.</summary>
    public const string ClientSecret = "clientSecret";
}
