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
    DateTimeOffset? WaitUntil);
