using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// One child run of a node as its store keeps it. <see cref="OutputJson"/> (or <see cref="OutputBlob"/>) is the run's
/// output, read only when asked for: the output of the last node in flow order that succeeded.
/// </summary>
public sealed record ChildRunRecord(int ItemIndex, Guid RunId, int FlowVersion, RunStatus Status, int ParentAttempt, string? Error)
{
    public string? OutputJson { get; init; }

    public BlobReference? OutputBlob { get; init; }
}
