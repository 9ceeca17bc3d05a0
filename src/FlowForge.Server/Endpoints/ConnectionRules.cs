using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// What a save can tell about the connections a flow's nodes name: each literal <c>connectionId</c> must be a connection
/// of the flow's owner, of the provider the node type acts on. An expression is checked when the node runs, as is a
/// connection deleted later.
/// </summary>
internal static class ConnectionRules
{
    public const string Field = "connectionId";

    public static async Task<IReadOnlyList<GraphProblem>> CheckAsync(
        FlowDocument document, Guid ownerId, IConnectionStore connections, INodeTypeRegistry nodeTypes, CancellationToken cancellationToken)
    {
        var problems = new List<GraphProblem>();
        IReadOnlyList<ConnectionRecord>? owned = null;
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (node.Config is not JsonObject config
                || config[Field] is not JsonValue value
                || value.GetValueKind() != JsonValueKind.String
                || value.GetValue<string>() is not { Length: > 0 } text
                || text.Contains("{{", StringComparison.Ordinal))
            {
                continue;
            }

            owned ??= await connections.ListConnectionsAsync(ownerId, cancellationToken);
            var field = string.Create(CultureInfo.InvariantCulture, $"nodes[{i}].data.config.{Field}");
            var connection = Guid.TryParse(text, out var id) ? owned.FirstOrDefault(c => c.Id == id) : null;
            var provider = nodeTypes.TryGet(node.Type, out var type) ? type.Descriptor.Provider : null;
            if (connection is null)
            {
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{node.Id}': connection '{text}' was not found; connectionId must name one of your connections.", node.Id, Field: field));
            }
            else if (provider is not null && !string.Equals(connection.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                var actual = connection.Provider is null ? "a generic connection" : $"a {connection.Provider} connection";
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{node.Id}' needs a {provider} connection, but connection '{connection.Name}' is {actual}; choose one of your {provider} connections.",
                    node.Id, Field: field));
            }
        }

        return problems;
    }
}
