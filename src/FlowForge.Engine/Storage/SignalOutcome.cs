namespace FlowForge.Engine.Storage;

public enum SignalOutcome
{
    /// <summary>The node succeeded with the signal as its output; the completion says what followed.</summary>
    Applied,

    /// <summary>No such run for the owner, or no such node in it.</summary>
    NotFound,

    /// <summary>The node exists but is not waiting for a signal (not reached yet, already done, or waiting for a time).</summary>
    NotWaiting,
}
