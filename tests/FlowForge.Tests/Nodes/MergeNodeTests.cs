using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class MergeNodeTests
{
    private readonly INodeType _node = new MergeNode();

    // Parents a, b and c in the flow's edge order; b was skipped, c finished before a.
    private static NodeContext Context(string mode) => NodeContexts.For(
        new JsonObject { ["mode"] = mode },
        input: new JsonObject { ["a"] = new JsonArray(1, 2), ["b"] = null, ["c"] = new JsonObject { ["x"] = 3 } },
        upstream: new Dictionary<string, JsonNode?> { ["a"] = new JsonArray(1, 2), ["c"] = new JsonObject { ["x"] = 3 } },
        finishedParents: ["c", "a"]);

    [Theory]
    [InlineData("object", """{"a":[1,2],"c":{"x":3}}""")]
    [InlineData("append", """[1,2,{"x":3}]""")]
    [InlineData("first", """{"x":3}""")]
    public async Task ExecuteAsync_Mode_CombinesTheParentsThatRan(string mode, string expected)
    {
        var result = await _node.ExecuteAsync(Context(mode), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal(expected, result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_OneParent_KeysItsOutputByItsId()
    {
        var context = NodeContexts.For(
            new JsonObject { ["mode"] = "object" },
            input: new JsonObject { ["y"] = 1 },
            upstream: new Dictionary<string, JsonNode?> { ["only"] = new JsonObject { ["y"] = 1 } },
            finishedParents: ["only"]);

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal("""{"only":{"y":1}}""", result.Output!.ToJsonString());
    }

    [Fact]
    public void ValidateConfig_UnknownMode_NamesTheChoices()
    {
        var problem = Assert.Single(_node.ValidateConfig(new JsonObject { ["mode"] = "zip" }));

        Assert.Equal("$.mode", problem.Path);
        Assert.Contains("\"object\", \"append\" or \"first\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_IsLogicWithModeChoices()
    {
        Assert.Equal(("core.merge", NodeCategory.Logic), (_node.Descriptor.Id, _node.Descriptor.Category));
        Assert.Equal(3, _node.Descriptor.ConfigSchema["properties"]?["mode"]?["enum"]?.AsArray().Count);
    }
}
