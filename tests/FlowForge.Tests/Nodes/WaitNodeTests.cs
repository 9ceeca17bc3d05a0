using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class WaitNodeTests
{
    private readonly INodeType _node = new WaitNode();

    [Fact]
    public async Task ExecuteAsync_FirstRun_AsksToWaitUntilNowPlusMs()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["ms"] = 90_000 }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Waiting, result.Kind);
        Assert.Equal(NodeContexts.Now.AddSeconds(90), result.WaitUntil);
        Assert.Empty(result.Ports);
    }

    [Fact]
    public async Task ExecuteAsync_ResumedAfterTheWait_SucceedsWithItsInput()
    {
        var input = new JsonObject { ["step"] = "after" };
        var context = NodeContexts.For(new JsonObject { ["ms"] = 90_000 }, input: input, resumedFromWaitUntil: NodeContexts.Now);

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.True(JsonNode.DeepEquals(input, result.Output));
    }

    [Fact]
    public async Task ExecuteAsync_ZeroMs_SucceedsAtOnce()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["ms"] = 0 }, input: JsonValue.Create(5)), CancellationToken.None);

        Assert.Equal((NodeResultKind.Succeeded, 5), (result.Kind, result.Output!.GetValue<int>()));
    }

    [Fact]
    public async Task ExecuteAsync_MsFromExpression_IsReadFromRunInput()
    {
        var context = NodeContexts.For(new JsonObject { ["ms"] = "{{ input.delayMs }}" }, runInput: new JsonObject { ["delayMs"] = 1_000 });

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(NodeContexts.Now.AddSeconds(1), result.WaitUntil);
    }

    [Fact]
    public async Task ExecuteAsync_MsFromExpressionOutOfRange_FailsWithoutRetry()
    {
        var context = NodeContexts.For(new JsonObject { ["ms"] = "{{ input.delayMs }}" }, runInput: new JsonObject { ["delayMs"] = -10 });

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("$.ms", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "ms": -1 }""")]
    [InlineData("""{ "ms": 2592000001 }""")]
    [InlineData("""{ "ms": "x" }""")]
    [InlineData("""{ "ms": 1.5 }""")]
    [InlineData("""{ "ms": null }""")]
    public void ValidateConfig_BadMs_ReportsProblemAtMs(string config)
    {
        var problem = Assert.Single(_node.ValidateConfig(JsonNode.Parse(config)));

        Assert.Equal("$.ms", problem.Path);
    }

    [Fact]
    public void ValidateConfig_MsNotANumber_SaysWhatItMustBeWithoutDotNetTypeNames()
    {
        var problem = Assert.Single(_node.ValidateConfig(JsonNode.Parse("""{ "ms": "soon" }""")));

        Assert.Equal("'ms' must be a whole number", problem.Message);
    }

    [Fact]
    public void ValidateConfig_UnknownSetting_AsksToRemoveIt()
    {
        var problem = Assert.Single(_node.ValidateConfig(JsonNode.Parse("""{ "ms": 1, "seconds": 2 }""")));

        Assert.Equal(("$.seconds", "'seconds' is not a setting of this node type; remove it"), (problem.Path, problem.Message));
    }

    [Fact]
    public void ValidateConfig_ThirtyDays_IsTheLongestWait()
    {
        Assert.Empty(_node.ValidateConfig(new JsonObject { ["ms"] = WaitNode.MaxMs }));
        Assert.Equal(TimeSpan.FromDays(30), TimeSpan.FromMilliseconds(WaitNode.MaxMs));
    }

    [Fact]
    public void Descriptor_SchemaBoundsMs()
    {
        var ms = _node.Descriptor.ConfigSchema["properties"]!["ms"]!;

        Assert.Equal(0, ms["minimum"]!.GetValue<int>());
        Assert.Equal(WaitNode.MaxMs, ms["maximum"]!.GetValue<long>());
        Assert.NotNull(ms["description"]);
    }

    [Fact]
    public async Task ExecuteAsync_UntilSignal_WaitsForASignalWithoutADueTime()
    {
        var result = await _node.ExecuteAsync(NodeContexts.For(new JsonObject { ["until"] = "signal" }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Waiting, result.Kind);
        Assert.True(result.WaitsForSignal);
        Assert.Null(result.WaitUntil);
    }

    [Fact]
    public async Task ExecuteAsync_UntilSignalResumed_PassesInputOn()
    {
        var context = NodeContexts.For(new JsonObject { ["until"] = "signal" }, input: JsonValue.Create(3), resumedFromWaitUntil: NodeContexts.Now);

        var result = await _node.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal(3, result.Output!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{ "until": "approval" }""", "$.until")]
    [InlineData("""{ "until": "signal", "ms": 10 }""", "$.ms")]
    [InlineData("""{ "until": "time" }""", "$.ms")]
    public void ValidateConfig_BadUntil_ReportsProblemAtField(string config, string path)
    {
        var problem = Assert.Single(_node.ValidateConfig(JsonNode.Parse(config)));

        Assert.Equal(path, problem.Path);
    }
}
