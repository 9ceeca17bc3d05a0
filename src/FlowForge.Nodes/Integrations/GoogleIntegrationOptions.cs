namespace FlowForge.Nodes.Integrations;

/// <summary>Section <c>Integrations:Google</c>.</summary>
public sealed class GoogleIntegrationOptions
{
    public Uri SheetsBaseUrl { get; set; } = new("https://sheets.googleapis.com");

    public Uri GmailBaseUrl { get; set; } = new("https://gmail.googleapis.com");
}
