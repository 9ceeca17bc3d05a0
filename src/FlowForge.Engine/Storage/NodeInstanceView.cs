using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record NodeInstanceView(
    string NodeId,
    string Type,
    NodeStatus Status,
    int Attempt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? OutputJson,
    string? Error,
    DateTimeOffset? WaitUntil)
{
    /// <summary>Every ended attempt, oldest first.</summary>
    public IReadOnlyList<NodeAttemptView> Attempts { get; init; } = [];

    /// <summary>
    /// Set while the node waits on a rate limit rather than on its own request: the engine deferred it to its slot in its
    /// provider's or connection's budget, or the provider answered 429; it runs at <see cref="WaitUntil"/>.
    /// </summary>
    public string? WaitReason { get; init; }

    /// <summary>True while the node waits for a signal (then <see cref="WaitUntil"/> is null).</summary>
    public bool WaitingForSignal { get; init; }

    /// <summary>Where the output is when it is in the blob store (then <see cref="OutputJson"/> is null).</summary>
    public BlobReference? OutputBlob { get; init; }
}
