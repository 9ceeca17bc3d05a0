namespace FlowForge.Engine.Nodes;

public enum NodeResultKind
{
    Succeeded,
    Failed,
    Waiting,
}
