namespace FlowForge.Engine.Nodes;

/// <summary>Declares a class as a node type. Ids are lower-case, dotted and stable (<c>slack.postMessage</c>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NodeTypeAttribute(string id, string displayName) : Attribute
{
    public string Id { get; } = id;

    public string DisplayName { get; } = displayName;

    public NodeCategory Category { get; init; } = NodeCategory.Action;

    public string Description { get; init; } = "";

    /// <summary>An icon name from the lucide set (<c>play</c>, <c>globe</c>, <c>git-branch</c>) the editor draws the node with.</summary>
    public string Icon { get; init; } = "circle";

    /// <summary>Named input ports; <see langword="null"/> gives triggers none and every other type a single <c>main</c> port.</summary>
    public string[]? Inputs { get; init; }

    /// <summary>Named output ports; an edge's <c>sourceHandle</c> picks one. Defaults to a single <c>main</c> port.</summary>
    public string[] Outputs { get; init; } = [NodePorts.Main];

    /// <summary>How long one attempt may run, in milliseconds, unless the node's <c>data.timeoutMs</c> says otherwise; 0 uses <c>Execution:DefaultTimeout</c>.</summary>
    public int TimeoutMs { get; init; }

    /// <summary>
    /// True when a node's ports also come from its config (a switch's cases): <see cref="Outputs"/> lists the
    /// ports every node of the type has, and <see cref="INodeType.OutputsFor"/> a given node's full set.
    /// </summary>
    public bool DynamicOutputs { get; init; }

    /// <summary>For a trigger: true when a person or a program starts it (the Run button, the API, the CLI) rather than an event.</summary>
    public bool ManualStart { get; init; }

    /// <summary>
    /// The connection provider the node acts on (<c>slack</c>, <c>google</c>); its config then names a
    /// <c>connectionId</c> of that provider, and the provider's rate limits apply to it. Null for nodes that use none.
    /// </summary>
    public string? Provider { get; init; }

    /// <summary>
    /// True when executing the node has no effect outside its run: its result depends only on its config and inputs, and
    /// running it again gives the same result. The engine may then run it and the pure nodes after it in a local chain
    /// and record their completions together (see docs/adr/0005-pure-nodes.md). Never inferred: a type opts in.
    /// </summary>
    public bool Pure { get; init; }

    /// <summary>
    /// For a pure trigger: true when its output is the run input itself (an empty object when there is none). A run that
    /// starts at it is then written with the trigger already succeeded, in the same transaction.
    /// </summary>
    public bool PassesRunInput { get; init; }
}
