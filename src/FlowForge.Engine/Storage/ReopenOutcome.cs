namespace FlowForge.Engine.Storage;

/// <summary>What a request to reopen a run came to.</summary>
public enum ReopenOutcome
{
    /// <summary>The run runs again from its failed and cancelled nodes.</summary>
    Reopened,

    /// <summary>The run has not failed and was not cancelled (it is going on, or it succeeded): nothing to retry.</summary>
    NotFailed,

    /// <summary>A node of the run is still executing (the run ended while it ran): retry once it has finished.</summary>
    NodeStillExecuting,

    /// <summary>The run finished before the store recorded which ports its nodes fired, so its edges cannot be resolved again.</summary>
    NotRecorded,

    /// <summary>The run's flow version no longer compiles on this server (a node type is missing, a config is no longer valid).</summary>
    FlowInvalid,

    /// <summary>The run is a child run: retrying its parent run re-runs it (its node restarts the children that failed).</summary>
    ChildRun,
}
