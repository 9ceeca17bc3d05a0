using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// One ended attempt of a node: how it ended (Succeeded, Failed, Cancelled), when, its error and the input it
/// was given. An attempt whose retry is scheduled is Failed with <see cref="RetryAt"/> set. <see cref="Logs"/> is
/// what the node wrote while it ran (a script's console output), if anything.
/// </summary>
public sealed record NodeAttemptView(
    int Attempt,
    NodeStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset FinishedAt,
    string? Error,
    string? InputJson,
    DateTimeOffset? RetryAt,
    string? Logs = null);
