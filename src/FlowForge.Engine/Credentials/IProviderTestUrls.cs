namespace FlowForge.Engine.Credentials;

/// <summary>
/// Where a provider answers "who am I" for a connection test (<c>POST /api/connections/{id}/test</c>): a GET sent with
/// the connection's credentials that succeeds only when they are good. Registered by whatever knows providers.
/// </summary>
public interface IProviderTestUrls
{
    /// <summary>
    /// The provider's test URL; null when it has none (the test then only checks that the secret opens). A connection
    /// whose settings name its own <paramref name="baseUrl"/> (an OpenAI-compatible server) is tested there, never at the
    /// provider's default server, which would receive a key meant for another.
    /// </summary>
    Uri? TestUrlFor(string provider, string? baseUrl);
}
