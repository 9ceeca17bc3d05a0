using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class IfNodeTests
{
    private readonly INodeType _node = new IfNode();

    [Theory]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public async Task ExecuteAsync_ConditionFromRunInput_FiresMatchingPortWithInput(bool approved, string port)
    {
        var input = new JsonObject { ["order"] = 7 };
        var config = new JsonObject { ["condition"] = "{{ input.approved }}" };

        var result = await _node.ExecuteAsync(NodeContexts.For(config, input: input, runInput: new JsonObject { ["approved"] = approved }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal([port], result.Ports);
        Assert.True(JsonNode.DeepEquals(input, result.Output));
    }

    [Fact]
    public async Task ExecuteAsync_ConditionReadsMissingValue_FiresFalse()
    {
        var config = new JsonObject { ["condition"] = "{{ input.nothing }}" };

        var result = await _node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject()), CancellationToken.None);

        Assert.Equal([IfNode.False], result.Ports);
    }

    [Fact]
    public void ValidateConfig_NoCondition_SaysItIsRequired()
    {
        var problem = Assert.Single(_node.ValidateConfig(new JsonObject()));

        Assert.Contains("condition", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_IsLogicWithTrueAndFalsePorts()
    {
        Assert.Equal(("core.if", NodeCategory.Logic), (_node.Descriptor.Id, _node.Descriptor.Category));
        Assert.Equal(["true", "false"], _node.Descriptor.Outputs);
        Assert.NotNull(_node.Descriptor.ConfigSchema["properties"]?["condition"]?["description"]);
    }
}
