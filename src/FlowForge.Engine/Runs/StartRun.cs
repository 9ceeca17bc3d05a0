using System.Text.Json.Nodes;

namespace FlowForge.Engine.Runs;

/// <summary>
/// A request to run the newest version of a flow. The caller picks <see cref="RunId"/> so it can subscribe to the run's events first.
/// <see cref="TriggerNodeId"/> names the trigger that fired (a webhook or schedule node); null picks the flow's only trigger or its only manual one (see <see cref="TriggerChoice"/>).
/// </summary>
public sealed record StartRun(Guid RunId, Guid OwnerId, Guid FlowId, JsonNode? Input, string? IdempotencyKey, string? TraceParent = null, string? TriggerNodeId = null)
{
    /// <summary>
    /// Set by a caller that answers with the finished run (<c>Prefer: wait</c>): a run its creation finishes comes back
    /// as <see cref="RunStart.Finished"/>, built from what was written instead of read back.
    /// </summary>
    public bool ReturnsFinishedRun { get; init; }
}
