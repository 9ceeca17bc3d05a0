using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// The end of one node execution. <see cref="Status"/> is Succeeded, Failed or Cancelled; or Running with
/// <see cref="WaitUntil"/> set when the node asked to be run again later (a durable timer).
/// <see cref="Version"/> is the version the claim produced: a completion for an older claim is ignored.
/// </summary>
public sealed record NodeCompletion(
    Guid RunId,
    string NodeId,
    long Version,
    NodeStatus Status,
    string? OutputJson,
    string? Error,
    IReadOnlyList<string> FiredPorts,
    DateTimeOffset At,
    DateTimeOffset? WaitUntil = null);
