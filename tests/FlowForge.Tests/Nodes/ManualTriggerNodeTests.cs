using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class ManualTriggerNodeTests
{
    private readonly INodeType _node = new ManualTriggerNode();

    [Fact]
    public async Task ExecuteAsync_WithRunInput_OutputsItWithoutACopy()
    {
        // The engine gives each execution a view of the run input of its own: passing it on copies nothing.
        var runInput = new JsonObject { ["orderId"] = 42 };

        var result = await _node.ExecuteAsync(NodeContexts.For(null, runInput: runInput), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal([NodePorts.Main], result.Ports);
        Assert.Same(runInput, result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_RunInputInsideAnotherDocument_OutputsACopyOfIt()
    {
        var document = new JsonObject { ["input"] = new JsonObject { ["orderId"] = 42 } };

        var result = await _node.ExecuteAsync(NodeContexts.For(null, runInput: document["input"]), CancellationToken.None);

        Assert.NotSame(document["input"], result.Output);
        Assert.True(JsonNode.DeepEquals(document["input"], result.Output));
        Assert.Null(result.Output!.Parent);
    }

    [Fact]
    public async Task ExecuteAsync_WithoutRunInput_OutputsAnEmptyObject()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(null), CancellationToken.None);

        Assert.Equal("{}", result.Output!.ToJsonString());
    }

    [Fact]
    public void Descriptor_IsTheTriggerWithOneMainPort()
    {
        var descriptor = _node.Descriptor;

        Assert.Equal(("trigger.manual", NodeCategory.Trigger), (descriptor.Id, descriptor.Category));
        Assert.Equal([NodePorts.Main], descriptor.Outputs);
        Assert.NotEmpty(descriptor.Description);
    }

    [Fact]
    public void ValidateConfig_NoConfigOrEmptyObject_IsValid()
    {
        Assert.Empty(_node.ValidateConfig(null));
        Assert.Empty(_node.ValidateConfig(new JsonObject()));
    }
}
