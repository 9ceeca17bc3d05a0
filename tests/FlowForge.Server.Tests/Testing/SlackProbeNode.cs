using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Server.Tests.Testing;

/// <summary>A node of provider <c>slack</c> that only opens its connection; for connection tests only.</summary>
[NodeType("test.slackProbe", "Slack probe (test)", Category = NodeCategory.Action, Provider = "slack")]
public sealed class SlackProbeNode : Node<SlackProbeNode.Settings>
{
    public sealed record Settings(string ConnectionId);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var connection = await context.Connections!.GetAsync(settings.ConnectionId, Descriptor.Provider, cancellationToken);
        return NodeResult.Success(new JsonObject { ["name"] = connection.Name });
    }
}
