namespace FlowForge.Server.Connections.OAuth;

/// <summary>The app a user registered at a provider FlowForge has no data file for. The secret is never logged.</summary>
internal sealed record GenericOAuthApp(string AuthorizeUrl, string TokenUrl, string? RevokeUrl, string ClientId, string ClientSecret)
{
    public override string ToString() => $"GenericOAuthApp(ClientId={ClientId}, TokenUrl={TokenUrl})";
}
