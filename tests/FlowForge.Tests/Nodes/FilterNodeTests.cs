using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class FilterNodeTests
{
    private readonly INodeType _node = new FilterNode();

    [Fact]
    public async Task ExecuteAsync_ConditionHolds_PassesInputOnMain()
    {
        var input = new JsonObject { ["total"] = 120 };

        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["condition"] = "{{ input.large }}" }, input: input, runInput: new JsonObject { ["large"] = 1 }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal([NodePorts.Main], result.Ports);
        Assert.True(JsonNode.DeepEquals(input, result.Output));
    }

    [Fact]
    public async Task ExecuteAsync_ConditionFails_SucceedsFiringNoPortWithNote()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["condition"] = "" }, input: new JsonObject { ["total"] = 3 }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Empty(result.Ports);
        Assert.Equal("""{"passed":false}""", result.Output!.ToJsonString());
    }

    [Fact]
    public void Descriptor_IsLogicWithMainPort()
    {
        Assert.Equal(("core.filter", NodeCategory.Logic), (_node.Descriptor.Id, _node.Descriptor.Category));
        Assert.Equal([NodePorts.Main], _node.Descriptor.Outputs);
    }
}
