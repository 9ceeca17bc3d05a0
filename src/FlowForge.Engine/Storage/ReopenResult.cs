using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// The answer to reopening a run: the run's status afterwards, its attempt number, the nodes whose status changed
/// and the messages for the nodes made Ready (already in the outbox). <see cref="NodeId"/> names the node that
/// stands in the way when the outcome is <see cref="ReopenOutcome.NodeStillExecuting"/> or <see cref="ReopenOutcome.NotRecorded"/>.
/// </summary>
public sealed record ReopenResult(
    ReopenOutcome Outcome,
    RunStatus Status,
    int Attempt,
    IReadOnlyList<NodeStateChange> Changes,
    IReadOnlyList<OutboxMessage> Messages)
{
    public string? NodeId { get; init; }

    public static ReopenResult Refused(ReopenOutcome outcome, RunStatus status, int attempt, string? nodeId = null) =>
        new(outcome, status, attempt, [], []) { NodeId = nodeId };
}
