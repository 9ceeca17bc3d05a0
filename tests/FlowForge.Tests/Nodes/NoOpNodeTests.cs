using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class NoOpNodeTests
{
    private readonly INodeType _node = new NoOpNode();

    [Fact]
    public async Task ExecuteAsync_OutputsItsInputUnchanged()
    {
        var input = new JsonObject { ["items"] = new JsonArray(1, 2, 3) };

        var result = await _node.ExecuteAsync(NodeContexts.For(null, input: input, runInput: new JsonObject { ["other"] = true }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.True(JsonNode.DeepEquals(input, result.Output));
    }

    [Fact]
    public async Task ExecuteAsync_InputViewOfItsOwn_IsPassedOnWithoutACopy()
    {
        var input = JsonNode.Parse("""{"payload": "large"}""")!;

        var result = await _node.ExecuteAsync(NodeContexts.For(null, input: input), CancellationToken.None);

        Assert.Same(input, result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_InputInsideAnotherDocument_IsCopied()
    {
        var input = new JsonObject { ["inner"] = new JsonObject { ["n"] = 1 } };

        var result = await _node.ExecuteAsync(NodeContexts.For(null, input: input["inner"]), CancellationToken.None);

        Assert.NotSame(input["inner"], result.Output);
        Assert.Null(result.Output!.Parent);
        Assert.Equal("""{"n":1}""", result.Output.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_JoinOfSeveralParents_PassesTheKeyedObjectOn()
    {
        var input = new JsonObject { ["b"] = 1, ["c"] = 2 };

        var result = await _node.ExecuteAsync(NodeContexts.For(null, input: input), CancellationToken.None);

        Assert.Equal("""{"b":1,"c":2}""", result.Output!.ToJsonString());
    }

    [Fact]
    public void ValidateConfig_UnexpectedSetting_IsReported()
    {
        var problem = Assert.Single(_node.ValidateConfig(new JsonObject { ["speed"] = 3 }));

        Assert.Contains("speed", problem.Path + problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_IsLogic()
    {
        Assert.Equal(("core.noop", NodeCategory.Logic), (_node.Descriptor.Id, _node.Descriptor.Category));
    }
}
