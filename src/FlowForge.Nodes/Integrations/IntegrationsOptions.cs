namespace FlowForge.Nodes.Integrations;

/// <summary>
/// Where the integration nodes (Slack, Google, GitHub, AI chat) send their calls, and their bounds; bound to
/// configuration section <c>Integrations</c>. The base URLs exist so a self-hosted or test stand-in can serve the
/// same API; leave them at their defaults to reach the real services.
/// </summary>
public sealed class IntegrationsOptions
{
    public const string Section = "Integrations";

    public SlackIntegrationOptions Slack { get; set; } = new();

    public GoogleIntegrationOptions Google { get; set; } = new();

    public GitHubIntegrationOptions GitHub { get; set; } = new();

    public OpenAiIntegrationOptions OpenAI { get; set; } = new();

    /// <summary>The largest API response an integration node reads, in bytes; a larger one fails the node.</summary>
    public long MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest email message (headers, text and HTML) <c>email.send</c> and <c>google.gmail.send</c> build, in bytes.</summary>
    public long MaxMessageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most recipients (to, cc and bcc together) one email may have.</summary>
    public int MaxRecipients { get; set; } = 100;
}
