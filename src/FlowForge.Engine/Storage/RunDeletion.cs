namespace FlowForge.Engine.Storage;

/// <summary>What deleting a run did.</summary>
public enum RunDeletion
{
    /// <summary>No such run for the owner.</summary>
    NotFound,

    /// <summary>The run has not finished: cancel it first.</summary>
    NotFinished,

    /// <summary>The run's rows are gone, with those of its child runs.</summary>
    Deleted,

    /// <summary>The run is a child run: it goes when its parent run is deleted.</summary>
    ChildRun,
}
