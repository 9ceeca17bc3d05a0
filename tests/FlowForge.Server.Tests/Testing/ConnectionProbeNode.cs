using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Server.Tests.Testing;

/// <summary>GETs <c>url</c> through the connection its config names and outputs the status; for connection tests only.</summary>
[NodeType("test.connectionProbe", "Connection probe (test)", Category = NodeCategory.Action)]
public sealed class ConnectionProbeNode : Node<ConnectionProbeNode.Settings>
{
    public sealed record Settings(string ConnectionId, string Url);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var connection = await context.Connections!.GetAsync(settings.ConnectionId, Descriptor.Provider, cancellationToken);
        using var response = await connection.Http.GetAsync(new Uri(settings.Url), cancellationToken);
        return NodeResult.Success(new JsonObject { ["status"] = (int)response.StatusCode });
    }
}
