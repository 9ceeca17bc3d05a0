namespace FlowForge.Engine.Runs;

/// <summary>A change in a run, published inside the process after it is committed (live views, waiting callers, the CLI).</summary>
public abstract record RunEvent(Guid RunId, DateTimeOffset At);
