namespace FlowForge.Engine.Policies;

/// <summary>What a node's final failure does to its run (<c>data.onError</c>).</summary>
public enum ErrorHandling
{
    /// <summary>The run fails (the default).</summary>
    Fail,

    /// <summary>The error leaves through the node's <c>error</c> port and the run goes on; the <c>main</c> branch is skipped.</summary>
    Continue,
}
