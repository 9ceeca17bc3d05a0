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

    /// <summary>The output ports of a node of this type with the given config; <see cref="NodeDescriptor.Outputs"/> unless its ports are dynamic.</summary>
    IReadOnlyList<string> OutputsFor(JsonNode? config) => Descriptor.Outputs;

    Task<NodeResult> ExecuteAsync(NodeContext context, CancellationToken cancellationToken);
}
