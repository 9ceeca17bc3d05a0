using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace HelloPlugin;

[NodeType("sample.greet", "Greet", Icon = "hand", Category = NodeCategory.Action,
    Description = "Outputs { greeting: \"Hello, <name>\" }. A sample of a node type loaded from the plugins folder.")]
public sealed class GreetNode : Node<GreetNode.Settings>
{
    public sealed record Settings(string Name = "world");

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(new JsonObject { ["greeting"] = $"Hello, {settings.Name}" }));
}
