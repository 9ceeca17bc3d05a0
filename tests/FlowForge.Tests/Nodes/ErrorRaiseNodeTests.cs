using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class ErrorRaiseNodeTests
{
    private readonly INodeType _node = new ErrorRaiseNode();

    [Fact]
    public async Task ExecuteAsync_FailsWithTheMessageWithoutRetry()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["message"] = "Order is missing" }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Equal("Order is missing", result.Error);
        Assert.False(result.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_MessageWithExpression_IsResolved()
    {
        var context = NodeContexts.For(
            new JsonObject { ["message"] = "Order {{ nodes.load.output.id }} has no lines" },
            upstream: new Dictionary<string, JsonNode?> { ["load"] = new JsonObject { ["id"] = 17 } });

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal("Order 17 has no lines", result.Error);
    }

    [Theory]
    [InlineData("""{ "message": "" }""", "$.message")]
    [InlineData("""{ "message": 5 }""", "$.message")]
    [InlineData("""{ }""", "$")]
    public void ValidateConfig_WithoutUsableMessage_ReportsIt(string config, string path)
    {
        Assert.Equal(path, Assert.Single(_node.ValidateConfig(JsonNode.Parse(config))).Path);
    }
}
