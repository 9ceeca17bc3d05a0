using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Integrations;

/// <summary>Integration options with every base URL pointing at one local stand-in server.</summary>
public static class IntegrationsTestOptions
{
    public static IOptions<IntegrationsOptions> For(Uri address, Action<IntegrationsOptions>? configure = null)
    {
        var options = new IntegrationsOptions
        {
            Slack = { BaseUrl = address },
            Google = { SheetsBaseUrl = address, GmailBaseUrl = address },
            GitHub = { BaseUrl = address },
            OpenAI = { BaseUrl = address },
        };
        configure?.Invoke(options);
        return Options.Create(options);
    }
}
