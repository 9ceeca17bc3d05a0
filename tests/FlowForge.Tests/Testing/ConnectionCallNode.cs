using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>Uses the connection its config names: GETs <c>url</c> through it, or, without a URL, only opens it.</summary>
[NodeType("test.connectionCall", "Connection call (test)", Category = NodeCategory.Action)]
public sealed class ConnectionCallNode : Node<ConnectionCallNode.Settings>
{
    public sealed record Settings(string ConnectionId, string? Url = null, string? Provider = null);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        if (context.Connections is null)
        {
            return NodeResult.Fail("The host offers no connections.");
        }

        var connection = await context.Connections.GetAsync(settings.ConnectionId, settings.Provider, cancellationToken);
        if (settings.Url is null)
        {
            return NodeResult.Success(new JsonObject { ["name"] = connection.Name });
        }

        using var response = await connection.Http.GetAsync(new Uri(settings.Url), cancellationToken);
        return NodeResult.Success(new JsonObject { ["status"] = (int)response.StatusCode, ["body"] = await response.Content.ReadAsStringAsync(cancellationToken) });
    }
}
