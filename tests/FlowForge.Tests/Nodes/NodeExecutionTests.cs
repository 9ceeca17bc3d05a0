using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Nodes;

/// <summary>What <see cref="Node{TSettings}.ExecuteAsync(NodeContext, CancellationToken)"/> costs and how it ends.</summary>
public sealed class NodeExecutionTests
{
    [Fact]
    public void ExecuteAsync_TypeThatFinishesAtOnce_GivesItsOwnTaskBack()
    {
        var node = new FixedNode();

        var task = ((INodeType)node).ExecuteAsync(NodeContexts.For(null), CancellationToken.None);

        // An async wrapper made a second task per node execution (one per pure node of every run).
        Assert.Same(node.Result, task);
    }

    [Fact]
    public async Task ExecuteAsync_TypeThatThrowsBeforeItsTask_EndsInAFaultedTaskNotAThrow()
    {
        var node = new FixedNode { Throw = new InvalidOperationException("broken") };

        var task = ((INodeType)node).ExecuteAsync(NodeContexts.For(null), CancellationToken.None);

        Assert.True(task.IsFaulted);
        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => task)).Message);
    }

    [Fact]
    public async Task ExecuteAsync_TypeThatThrowsCancellation_EndsInACancelledTask()
    {
        var node = new FixedNode { Throw = new OperationCanceledException() };

        var task = ((INodeType)node).ExecuteAsync(NodeContexts.For(null), CancellationToken.None);

        Assert.True(task.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task ExecuteAsync_ConfigWithABrokenExpression_FailsTheNodeAsBefore()
    {
        var result = await ((INodeType)new FixedNode()).ExecuteAsync(
            NodeContexts.For(new JsonObject { ["x"] = "{{ input. }}" }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
    }

    [Fact]
    public void Success_ThroughMain_SharesOneReadOnlyPortList()
    {
        var first = NodeResult.Success(null);
        var second = NodeResult.To(NodePorts.Main, new JsonObject());

        Assert.Same(first.Ports, second.Ports);
        Assert.Equal([NodePorts.Main], first.Ports);
        Assert.True(((ICollection<string>)first.Ports).IsReadOnly);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)first.Ports)[0] = "other");
        Assert.Equal(["other"], NodeResult.To("other", null).Ports);
    }

    [NodeType("test.fixed", "Fixed", Pure = true)]
    private sealed class FixedNode : Node<FixedNode.Settings>
    {
        public Task<NodeResult> Result { get; } = Task.FromResult(NodeResult.Success(null));

        public Exception? Throw { get; init; }

        protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
            Throw is { } exception ? throw exception : Result;

        public sealed record Settings(JsonNode? X = null);
    }
}
