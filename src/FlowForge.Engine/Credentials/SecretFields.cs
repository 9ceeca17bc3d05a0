namespace FlowForge.Engine.Credentials;

/// <summary>
/// The names of the secret fields each <see cref="ConnectionKind"/> keeps (the fields <see cref="ISecretProtector"/>
/// seals). A <see cref="ConnectionKind.Headers"/> connection keeps one field per header, named as the header.
/// </summary>
public static class SecretFields
{
    /// <summary>The key of an <see cref="ConnectionKind.ApiKey"/> connection.</summary>
    public const string Key = "key";

    /// <summary>The token of a <see cref="ConnectionKind.Bearer"/> connection.</summary>
    public const string Token = "token";

    /// <summary>The user name of a <see cref="ConnectionKind.Basic"/> connection.</summary>
    public const string Username = "username";

    /// <summary>The password of a <see cref="ConnectionKind.Basic"/> connection.</summary>
    public const string Password = "password";

    /// <summary>The access token of an <see cref="ConnectionKind.OAuth2"/> connection, sent as a bearer token.</summary>
    public const string AccessToken = "accessToken";

    /// <summary>The refresh token of an <see cref="ConnectionKind.OAuth2"/> connection.</summary>
    public const string RefreshToken = "refreshToken";
}
