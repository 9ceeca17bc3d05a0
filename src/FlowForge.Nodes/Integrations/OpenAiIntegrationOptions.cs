namespace FlowForge.Nodes.Integrations;

/// <summary>Section <c>Integrations:OpenAI</c>: the base URL <c>ai.chat</c> uses when its connection names none.</summary>
public sealed class OpenAiIntegrationOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.openai.com");
}
