using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>What retrying a run came to: reopened (with its new attempt number), or refused with a reason that says what to do.</summary>
public sealed record RunRetry(Guid RunId, ReopenOutcome Outcome, RunStatus Status, int Attempt, string? Reason)
{
    public bool Reopened => Outcome == ReopenOutcome.Reopened;
}
