namespace FlowForge.Engine.Queueing;

public enum WorkKind
{
    /// <summary>Runs the trigger of a freshly written run.</summary>
    StartFlow,

    /// <summary>Runs one Ready node.</summary>
    ExecuteNode,
}
