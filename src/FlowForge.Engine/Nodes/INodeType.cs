using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// The engine's view of a node type. Implement <see cref="Node{TSettings}"/> rather than this:
/// it derives the descriptor and config validation from an attribute and a settings record.
/// </summary>
public interface INodeType
{
    NodeDescriptor Descriptor { get; }

    /// <summary>Checks a config against the schema; empty when it is valid.</summary>
    IReadOnlyList<ConfigProblem> ValidateConfig(JsonNode? config);

    Task<NodeResult> ExecuteAsync(NodeContext context, CancellationToken cancellationToken);
}
