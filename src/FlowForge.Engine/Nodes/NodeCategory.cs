namespace FlowForge.Engine.Nodes;

/// <summary>Where a node type sits in the palette; a flow holds at least one <see cref="Trigger"/>, and each run starts at one of them.</summary>
public enum NodeCategory
{
    Trigger,
    Action,
    Logic,
}
