namespace FlowForge.Nodes.Integrations;

/// <summary>Section <c>Integrations:Slack</c>.</summary>
public sealed class SlackIntegrationOptions
{
    public Uri BaseUrl { get; set; } = new("https://slack.com");
}
