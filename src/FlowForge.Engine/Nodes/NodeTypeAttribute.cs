namespace FlowForge.Engine.Nodes;

/// <summary>Declares a class as a node type. Ids are lower-case, dotted and stable (<c>slack.postMessage</c>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NodeTypeAttribute(string id, string displayName) : Attribute
{
    public string Id { get; } = id;

    public string DisplayName { get; } = displayName;

    public NodeCategory Category { get; init; } = NodeCategory.Action;

    public string Description { get; init; } = "";

    /// <summary>Named output ports; an edge's <c>sourceHandle</c> picks one. Defaults to a single <c>main</c> port.</summary>
    public string[] Outputs { get; init; } = [NodePorts.Main];
}
