using FlowForge.Engine.Nodes;
using FlowForge.Nodes;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using FlowForge.Nodes.Http;

namespace FlowForge.Tests.Graphs;

/// <summary>The built-in node types plus the test ones, found and constructed the way the host does it.</summary>
public static class TestNodeTypes
{
    private static readonly ServiceProvider Provider = new ServiceCollection()
        .AddSingleton<ScriptJournal>()
        .AddNodeTypes(NodesAssembly.Assembly, typeof(TestNodeTypes).Assembly)
        .AddOutboundHttp()
        .BuildServiceProvider();

    public static INodeTypeRegistry Registry { get; } = Provider.GetRequiredService<INodeTypeRegistry>();
}
