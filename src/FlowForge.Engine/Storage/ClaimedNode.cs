using System.Text.Json;

namespace FlowForge.Engine.Storage;

/// <summary>
/// A node instance this worker now owns (status Running, version bumped). Carries what execution reads:
/// the run input and the outputs of the node's dependencies, each parsed once as it is read (null for a null value),
/// so the text read from the database is not kept while the node runs. Outputs kept in the blob store are in
/// <see cref="BlobOutputs"/> instead, as references: the engine reads them only when the node uses them.
/// </summary>
public sealed record ClaimedNode(
    Guid RunId,
    string NodeId,
    long Version,
    int Attempt,
    JsonElement? RunInput,
    IReadOnlyDictionary<string, JsonElement?> DependencyOutputs,
    DateTimeOffset? ResumedFromWaitUntil,
    bool RunStarted)
{
    /// <summary>The user the run belongs to: the owner of the connections its nodes use.</summary>
    public Guid OwnerId { get; init; }

    /// <summary>
    /// True when this claim ended a rate-limit deferral that booked the node's slot: it runs now without booking again,
    /// as the same attempt.
    /// </summary>
    public bool HoldsRateSlot { get; init; }

    /// <summary>The provider 429s this node met in a row before this claim (each deferred it instead of failing an attempt).</summary>
    public int ProviderRefusals { get; init; }

    /// <summary>Earlier executions of this node that ended without a result (their worker stopped or went silent).</summary>
    public int Interruptions { get; init; }

    /// <summary>
    /// True when this claim ended a durable timer the node asked for (a time wait): given back, it goes back to that
    /// timer. Any other claim (from Ready, a retry's timer, an expired lease) goes back to Ready, even when
    /// <see cref="ResumedFromWaitUntil"/> tells of a wait that ended earlier, so a signal wait or a retry never comes
    /// back as a time wait.
    /// </summary>
    public bool ClaimedFromTimer { get; init; }

    /// <summary>When each dependency that ended (Succeeded, or Failed through its error port) finished, as the store recorded it; Skipped ones are absent.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> DependencyFinishedAt { get; init; } = EmptyFinishTimes;

    private static readonly IReadOnlyDictionary<string, DateTimeOffset> EmptyFinishTimes = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>
    /// The output ports each dependency that ended fired (<c>error</c> for one that failed through its error port), as
    /// the store recorded them; a dependency absent here reached every child it has an edge to.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DependencyPorts { get; init; } = EmptyPorts;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> EmptyPorts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// The text each dependency's output was stored as, when this process wrote it and ran this node after it in memory
    /// (null otherwise, and for a dependency whose text is not at hand): the same text as the parsed output's, reused
    /// rather than written again.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? DependencyTexts { get; init; }

    /// <summary>Dependencies whose output is in the blob store, keyed by node id (never also in <see cref="DependencyOutputs"/>).</summary>
    public IReadOnlyDictionary<string, BlobReference> BlobOutputs { get; init; } = EmptyBlobs;

    private static readonly IReadOnlyDictionary<string, BlobReference> EmptyBlobs = new Dictionary<string, BlobReference>(StringComparer.Ordinal);
}
