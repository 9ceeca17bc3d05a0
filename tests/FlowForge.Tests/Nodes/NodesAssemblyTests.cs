using FlowForge.Engine.Nodes;
using FlowForge.Nodes;
using FlowForge.Nodes.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Nodes;

public sealed class NodesAssemblyTests
{
    [Fact]
    public void FindIn_NodesAssembly_DiscoversTheCoreNodeTypes()
    {
        var types = NodeTypeDiscovery.FindIn(NodesAssembly.Assembly).ToHashSet();

        Assert.Superset(
            new HashSet<Type> { typeof(ManualTriggerNode), typeof(NoOpNode), typeof(SetValuesNode), typeof(WaitNode), typeof(ErrorRaiseNode) },
            types);
    }

    [Fact]
    public void AddNodeTypes_NodesAssembly_RegistersEachTypeAndTheRegistry()
    {
        var services = new ServiceCollection();

        services.AddNodeTypes(NodesAssembly.Assembly);

        Assert.Contains(services, d => d.ServiceType == typeof(INodeType) && d.ImplementationType == typeof(WaitNode));
        Assert.Contains(services, d => d.ServiceType == typeof(INodeTypeRegistry));
    }

    [Fact]
    public void Descriptors_OfCoreNodeTypes_HaveUniqueStableIdsAndDescriptions()
    {
        var registry = new NodeTypeRegistry([new ManualTriggerNode(), new NoOpNode(), new SetValuesNode(), new WaitNode(), new ErrorRaiseNode()]);

        Assert.Equal(
            ["core.error", "core.noop", "core.set", "core.wait", "trigger.manual"],
            registry.All.Select(t => t.Descriptor.Id).Order(StringComparer.Ordinal));
        Assert.All(registry.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Descriptor.Description)));
    }
}
