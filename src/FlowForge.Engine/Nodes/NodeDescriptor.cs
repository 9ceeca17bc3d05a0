using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>Everything the editor and the validator need to know about a node type.</summary>
public sealed record NodeDescriptor(
    string Id,
    string DisplayName,
    NodeCategory Category,
    string Description,
    JsonObject ConfigSchema,
    IReadOnlyList<string> Outputs);
