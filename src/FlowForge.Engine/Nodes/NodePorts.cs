namespace FlowForge.Engine.Nodes;

/// <summary>Well-known port names.</summary>
public static class NodePorts
{
    /// <summary>The default output port; an edge without <c>sourceHandle</c> leaves through it.</summary>
    public const string Main = "main";
}
