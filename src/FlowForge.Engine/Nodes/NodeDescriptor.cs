using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>Everything the editor and the validator need to know about a node type.</summary>
public sealed record NodeDescriptor(
    string Id,
    string DisplayName,
    NodeCategory Category,
    string Description,
    JsonObject ConfigSchema,
    IReadOnlyList<string> Outputs)
{
    /// <summary>An icon name from the lucide set, for the editor.</summary>
    public string Icon { get; init; } = "circle";

    /// <summary>Named input ports: none for a trigger, <c>main</c> for the others unless the type says otherwise.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [NodePorts.Main];

    /// <summary>The type's own attempt timeout in milliseconds (from <see cref="NodeTypeAttribute.TimeoutMs"/>); 0 when it has none.</summary>
    public int DefaultTimeoutMs { get; init; }

    /// <summary>True when a node's ports also come from its config; <see cref="INodeType.OutputsFor"/> gives them.</summary>
    public bool DynamicOutputs { get; init; }

    /// <summary>True for a trigger started by hand (see <see cref="NodeTypeAttribute.ManualStart"/>): a run that names no trigger starts at it.</summary>
    public bool ManualStart { get; init; }

    /// <summary>The connection provider the node acts on (see <see cref="NodeTypeAttribute.Provider"/>); null when it uses none.</summary>
    public string? Provider { get; init; }

    /// <summary>True when the node has no effect outside its run (see <see cref="NodeTypeAttribute.Pure"/>).</summary>
    public bool Pure { get; init; }

    /// <summary>For a pure trigger whose output is the run input (see <see cref="NodeTypeAttribute.PassesRunInput"/>).</summary>
    public bool PassesRunInput { get; init; }
}
