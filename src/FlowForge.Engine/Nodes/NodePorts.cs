namespace FlowForge.Engine.Nodes;

/// <summary>Well-known port names.</summary>
public static class NodePorts
{
    /// <summary>The default output port; an edge without <c>sourceHandle</c> leaves through it.</summary>
    public const string Main = "main";

    /// <summary>
    /// The port a node's final failure leaves through when its <c>data.onError</c> is <c>continue</c>; every
    /// node has it then, whatever its type declares. Its output is <c>{ message, node, attempt }</c>.
    /// </summary>
    public const string Error = "error";
}
