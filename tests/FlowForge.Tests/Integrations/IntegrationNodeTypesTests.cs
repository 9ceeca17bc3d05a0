using FlowForge.Engine.Nodes;
using FlowForge.Nodes;
using FlowForge.Nodes.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Integrations;

public sealed class IntegrationNodeTypesTests
{
    [Theory]
    [InlineData("slack.postMessage", "slack")]
    [InlineData("google.sheets.appendRow", "google")]
    [InlineData("google.gmail.send", "google")]
    [InlineData("github.createIssue", "github")]
    [InlineData("email.send", "smtp")]
    [InlineData("ai.chat", "openai")]
    public void Registry_IntegrationNodeType_IsDiscoveredWithItsProviderAndConnectionField(string id, string provider)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddNodeTypes(NodesAssembly.Assembly).AddOutboundHttp();
        using var provided = services.BuildServiceProvider();
        var registry = provided.GetRequiredService<INodeTypeRegistry>();

        Assert.True(registry.TryGet(id, out var type), $"{id} is not registered");
        Assert.Equal(provider, type!.Descriptor.Provider);
        Assert.NotNull(type.Descriptor.ConfigSchema["properties"]?["connectionId"]?["description"]);
    }
}
