namespace FlowForge.Server.Connections.OAuth;

/// <summary>What a token endpoint granted. <see cref="RefreshToken"/> is null when the provider did not send a new one.</summary>
internal sealed record OAuthTokens(string AccessToken, string? RefreshToken, string TokenType, string? IdToken, int? ExpiresInSeconds, IReadOnlyList<string>? Scopes)
{
    public override string ToString() => $"OAuthTokens(TokenType={TokenType}, ExpiresIn={ExpiresInSeconds})";
}
