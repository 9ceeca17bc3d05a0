namespace FlowForge.Nodes.Integrations;

/// <summary>Section <c>Integrations:GitHub</c> (GitHub Enterprise Server: <c>https://host/api/v3</c>).</summary>
public sealed class GitHubIntegrationOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.github.com");
}
