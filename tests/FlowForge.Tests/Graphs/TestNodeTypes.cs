using FlowForge.Engine.Nodes;
using FlowForge.Nodes;

namespace FlowForge.Tests.Graphs;

/// <summary>The built-in node types plus the test ones, found the way the host finds them.</summary>
public static class TestNodeTypes
{
    public static INodeTypeRegistry Registry { get; } = new NodeTypeRegistry(
        [.. NodeTypeDiscovery.FindIn(NodesAssembly.Assembly)
            .Concat(NodeTypeDiscovery.FindIn(typeof(TestNodeTypes).Assembly))
            .Select(type => (INodeType)Activator.CreateInstance(type)!)]);
}
