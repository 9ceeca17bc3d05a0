using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>What a signal did; <see cref="Completion"/> is set when it was <see cref="SignalOutcome.Applied"/>.</summary>
public sealed record SignalResult(SignalOutcome Outcome, CompletionResult? Completion, NodeStatus? NodeStatus = null)
{
    public static readonly SignalResult NotFound = new(SignalOutcome.NotFound, null);
}
