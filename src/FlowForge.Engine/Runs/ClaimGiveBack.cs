using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Gives claims back after a transient store failure between the claim and the completion, so the node is
/// claimed again a second later instead of staying Running until its lease ends. A give-back that itself fails
/// is kept and tried again at every heartbeat until the store answers.
/// </summary>
public sealed partial class ClaimGiveBack(IWorkerStore workers, DurableTimers timers, TimeProvider time, ILogger<ClaimGiveBack> logger)
{
    /// <summary>How long a given-back node waits before it is claimed again: the store just failed.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Give-backs tried again per heartbeat.</summary>
    private const int RetryBatch = 256;

    private readonly ConcurrentDictionary<(Guid RunId, string NodeId, long Version), (WorkMessage Message, ClaimedNode Claim, bool Interrupted)> _pending = new();

    /// <summary>Give-backs waiting for the store (tests and diagnostics).</summary>
    public int PendingCount => _pending.Count;

    /// <param name="interrupted">True when the execution ended for a reason that is not passing: it counts toward <see cref="EngineOptions.MaxInterruptions"/>.</param>
    public async Task GiveBackAsync(WorkMessage message, ClaimedNode claim, CancellationToken cancellationToken, bool interrupted = false)
    {
        try
        {
            await ReleaseAsync(message, claim, interrupted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogGiveBackDeferred(logger, claim.RunId, claim.NodeId, ex);
            _pending[(claim.RunId, claim.NodeId, claim.Version)] = (message, claim, interrupted);
        }
    }

    /// <summary>Tries the give-backs that failed again (a bounded batch); stops at the first that still fails.</summary>
    public async Task RetryPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, (message, claim, interrupted)) in _pending.Take(RetryBatch).ToList())
        {
            await ReleaseAsync(message, claim, interrupted, cancellationToken).ConfigureAwait(false);
            _pending.TryRemove(key, out _);
        }
    }

    private async Task ReleaseAsync(WorkMessage message, ClaimedNode claim, bool interrupted, CancellationToken cancellationToken)
    {
        var next = await workers.ReleaseClaimAsync(message, claim, interrupted, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (next is not null)
        {
            LogGivenBack(logger, claim.RunId, claim.NodeId, claim.Version);
            timers.Schedule(next, time.GetUtcNow() + RetryDelay);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} of run {RunId} was given back at version {Version} after a failure between its claim and its completion; it runs again shortly")]
    private static partial void LogGivenBack(ILogger logger, Guid runId, string nodeId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving node {NodeId} of run {RunId} back failed; trying again at the next heartbeat")]
    private static partial void LogGiveBackDeferred(ILogger logger, Guid runId, string nodeId, Exception exception);
}
