using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class SwitchNodeTests
{
    private readonly INodeType _node = new SwitchNode();

    private static JsonObject Config(JsonNode? value, params (string Port, JsonNode? Match)[] cases) => new()
    {
        ["value"] = value,
        ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject { ["port"] = c.Port, ["equals"] = c.Match })]),
    };

    [Theory]
    [InlineData("paid", "paid")]
    [InlineData("refunded", "refunded")]
    [InlineData("lost", "default")]
    public async Task ExecuteAsync_ValueFromInput_FiresFirstEqualCaseOrDefault(string status, string port)
    {
        var config = Config("{{ input.status }}", ("paid", "paid"), ("refunded", "refunded"), ("again", "paid"));
        var input = new JsonObject { ["id"] = 4 };

        var result = await _node.ExecuteAsync(NodeContexts.For(config, input: input, runInput: new JsonObject { ["status"] = status }), CancellationToken.None);

        Assert.Equal([port], result.Ports);
        Assert.True(JsonNode.DeepEquals(input, result.Output));
    }

    [Fact]
    public async Task ExecuteAsync_NumberAgainstText_IsNoMatch()
    {
        var config = Config("{{ input.code }}", ("text", "1"), ("number", 1.0));

        var result = await _node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["code"] = 1 }), CancellationToken.None);

        Assert.Equal(["number"], result.Ports);
    }

    [Fact]
    public void OutputsFor_Config_AreDefaultAndEveryCasePort()
    {
        Assert.Equal(["default", "paid", "refunded"], _node.OutputsFor(Config("x", ("paid", 1), ("refunded", 2))));
        Assert.Equal(["default"], _node.OutputsFor(new JsonObject { ["cases"] = "not a list" }));
        Assert.True(_node.Descriptor.DynamicOutputs);
    }

    [Theory]
    [InlineData("default", "$.cases[1].port", "reserved")]
    [InlineData("error", "$.cases[1].port", "reserved")]
    [InlineData("a", "$.cases[1].port", "earlier case")]
    [InlineData("  ", "$.cases[1].port", "1 to 100")]
    [InlineData("{{ input.port }}", "$.cases[1]", "expression")]
    public void ValidateConfig_BadCasePort_NamesTheCase(string port, string path, string message)
    {
        var problem = Assert.Single(_node.ValidateConfig(Config("x", ("a", 1), (port, 2))));

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfig_NoCases_AsksForOne()
    {
        var problem = Assert.Single(_node.ValidateConfig(Config("x")));

        Assert.Equal("$.cases", problem.Path);
    }

    [Fact]
    public void Descriptor_IsLogicAndSchemaDescribesCases()
    {
        Assert.Equal(("core.switch", NodeCategory.Logic), (_node.Descriptor.Id, _node.Descriptor.Category));
        var item = _node.Descriptor.ConfigSchema["properties"]?["cases"]?["items"];
        Assert.Equal(SwitchNode.MaxPortLength, (int?)item?["properties"]?["port"]?["maxLength"]);
        Assert.NotNull(item?["properties"]?["equals"]?["description"]);
    }
}
