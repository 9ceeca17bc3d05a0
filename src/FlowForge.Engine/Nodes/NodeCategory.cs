namespace FlowForge.Engine.Nodes;

/// <summary>Where a node type sits in the palette; exactly one <see cref="Trigger"/> starts a flow.</summary>
public enum NodeCategory
{
    Trigger,
    Action,
    Logic,
}
