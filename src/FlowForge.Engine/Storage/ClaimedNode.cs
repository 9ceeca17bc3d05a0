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
    /// <summary>Earlier executions of this node that ended without a result (their worker stopped or went silent).</summary>
    public int Interruptions { get; init; }

    /// <summary>Dependencies whose output is in the blob store, keyed by node id (never also in <see cref="DependencyOutputs"/>).</summary>
    public IReadOnlyDictionary<string, BlobReference> BlobOutputs { get; init; } = EmptyBlobs;

    private static readonly IReadOnlyDictionary<string, BlobReference> EmptyBlobs = new Dictionary<string, BlobReference>(StringComparer.Ordinal);
}
