using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Triggers;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Triggers;

/// <summary>
/// One pass over the active flows' schedule triggers at a given instant. Each due time is claimed by inserting its
/// firing row; only the process whose insert wins starts the run (with an idempotency key derived from the due time).
/// Due times noticed later than <see cref="ScheduleOptions.MissedAfterMs"/> are missed: <c>skip</c> passes them over,
/// <c>runOnce</c> starts one run for all of them. A firing claimed but never started (its process stopped in between)
/// is taken over by the first pass of any process once its claim is older than <see cref="ScheduleOptions.FiringLeaseMs"/>.
/// </summary>
internal sealed partial class ScheduleFirer(
    ITriggerStore triggers,
    IFiringRecoveryStore recovery,
    RunCoordinator coordinator,
    IOptions<ScheduleOptions> options,
    ILogger<ScheduleFirer> logger)
{
    // A pass starts at most this many on-time runs per trigger; a schedule that owes more is that far behind and the
    // rest are missed at the next pass.
    private const int MaxOnTimePerPass = 100;

    // A pass takes over at most this many unstarted firings; the rest wait for the next pass.
    private const int MaxTakeOversPerPass = 100;

    private static readonly JsonSerializerOptions SettingsOptions = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<(Guid FlowId, int Version), IReadOnlyList<ScheduledNode>> _plans = new();

    /// <summary>Fires what is due at <paramref name="now"/>; returns the number of runs this process started.</summary>
    public async Task<int> FireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var flows = await triggers.ListActiveFlowsAsync(settings.MaxActiveFlows, cancellationToken);
        if (_plans.Count > 2 * settings.MaxActiveFlows)
        {
            _plans.Clear();
        }

        var started = await StartUnstartedAsync(now, TimeSpan.FromMilliseconds(settings.FiringLeaseMs), cancellationToken);
        foreach (var flow in flows)
        {
            foreach (var node in _plans.GetOrAdd((flow.FlowId, flow.Version), _ => Read(flow.Json, settings.MinIntervalMs)))
            {
                started += await FireAsync(flow, node, now, TimeSpan.FromMilliseconds(settings.MissedAfterMs), cancellationToken);
            }
        }

        return started;
    }

    private async Task<int> FireAsync(ActiveFlow flow, ScheduledNode node, DateTimeOffset now, TimeSpan missedAfter, CancellationToken cancellationToken)
    {
        var last = await triggers.LastFiringAsync(flow.FlowId, node.NodeId, cancellationToken);
        var baseline = last is { } l && l > flow.ActivatedAt ? l : flow.ActivatedAt;
        var onTimeFrom = now - missedAfter;
        var started = 0;
        if (onTimeFrom > baseline && node.Schedule.LatestIn(baseline, onTimeFrom) is { } missed)
        {
            if (node.RunOnceWhenMissed)
            {
                started += await ClaimAndStartAsync(flow, node.NodeId, missed, now, true, cancellationToken) ? 1 : 0;
            }
            else if (await triggers.TryClaimFiringAsync(new TriggerFiring(flow.FlowId, node.NodeId, missed, now) { PassedOver = true }, cancellationToken))
            {
                LogSkipped(logger, flow.FlowId, node.NodeId, missed);
            }

            baseline = missed;
        }

        var from = baseline > onTimeFrom ? baseline : onTimeFrom;
        var due = node.Schedule.NextAfter(from);
        for (var i = 0; i < MaxOnTimePerPass && due is { } d && d <= now; i++, due = node.Schedule.NextAfter(d))
        {
            started += await ClaimAndStartAsync(flow, node.NodeId, d, now, false, cancellationToken) ? 1 : 0;
        }

        return started;
    }

    private async Task<bool> ClaimAndStartAsync(ActiveFlow flow, string nodeId, DateTimeOffset dueAt, DateTimeOffset now, bool missed, CancellationToken cancellationToken)
    {
        if (!await triggers.TryClaimFiringAsync(new TriggerFiring(flow.FlowId, nodeId, dueAt, now) { Missed = missed }, cancellationToken))
        {
            return false;
        }

        return await StartClaimedAsync(flow.FlowId, flow.OwnerId, nodeId, dueAt, now, missed, cancellationToken);
    }

    /// <summary>Starts the runs of firings whose process claimed them and stopped before starting them.</summary>
    private async Task<int> StartUnstartedAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var firing in await recovery.ListUnstartedFiringsAsync(now - lease, MaxTakeOversPerPass, cancellationToken))
        {
            if (!await recovery.TryReclaimFiringAsync(firing, now, cancellationToken))
            {
                continue;
            }

            LogTakenOver(logger, firing.FlowId, firing.NodeId, firing.DueAt, firing.ClaimedAt);
            started += await StartClaimedAsync(firing.FlowId, firing.OwnerId, firing.NodeId, firing.DueAt, now, firing.Missed, cancellationToken) ? 1 : 0;
        }

        return started;
    }

    /// <summary>
    /// Starts the run of a firing this process holds, then records it on the firing. The idempotency key comes from
    /// the due time, so a firing taken over after its first process did start the run (and stopped before recording
    /// it) finds that run instead of starting another.
    /// </summary>
    private async Task<bool> StartClaimedAsync(Guid flowId, Guid ownerId, string nodeId, DateTimeOffset dueAt, DateTimeOffset now, bool missed, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["dueAt"] = dueAt, ["firedAt"] = now, ["missed"] = missed };
        try
        {
            var start = await coordinator.StartAsync(
                new StartRun(Guid.CreateVersion7(), ownerId, flowId, input, IdempotencyKey(nodeId, dueAt), null, nodeId),
                cancellationToken);
            await triggers.SetFiringRunAsync(flowId, nodeId, dueAt, start.RunId, cancellationToken);
            return start.Created;
        }
        catch (FlowNotFoundException)
        {
            await recovery.PassOverFiringAsync(flowId, nodeId, dueAt, cancellationToken);
            return false;
        }
        catch (FlowInvalidException ex)
        {
            LogInvalid(logger, flowId, nodeId, ex.Problems.Count);
            await recovery.PassOverFiringAsync(flowId, nodeId, dueAt, cancellationToken);
            return false;
        }
        catch (TriggerChoiceException ex)
        {
            LogNoTrigger(logger, flowId, nodeId, ex.Message);
            await recovery.PassOverFiringAsync(flowId, nodeId, dueAt, cancellationToken);
            return false;
        }
    }

    /// <summary>The same for every process that fires this due time, and short whatever the node id.</summary>
    internal static string IdempotencyKey(string nodeId, DateTimeOffset dueAt) =>
        $"schedule:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeId)))[..16]}:{dueAt.ToUnixTimeMilliseconds()}";

    private static List<ScheduledNode> Read(string json, long minIntervalMs)
    {
        var document = FlowParser.Parse(json).Document;
        var nodes = new List<ScheduledNode>();
        foreach (var node in document is null ? [] : TriggerNodes.Schedules(document))
        {
            ScheduleTriggerNode.Settings? settings;
            try
            {
                settings = (node.Config ?? new JsonObject()).Deserialize<ScheduleTriggerNode.Settings>(SettingsOptions);
            }
            catch (JsonException)
            {
                continue;
            }

            if (settings is not null && Schedule.TryCreate(settings, minIntervalMs, out _) is { } schedule)
            {
                nodes.Add(new ScheduledNode(node.Id, schedule, settings.Missed == ScheduleTriggerNode.MissedRunOnce));
            }
        }

        return nodes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule trigger '{NodeId}' of flow {FlowId} missed its due times up to {DueAt:o}; passed over (missed: skip).")]
    private static partial void LogSkipped(ILogger logger, Guid flowId, string nodeId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId} did not fire: the flow is no longer valid ({Count} problems).")]
    private static partial void LogInvalid(ILogger logger, Guid flowId, string nodeId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId} did not fire: {Reason}")]
    private static partial void LogNoTrigger(ILogger logger, Guid flowId, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId}: due time {DueAt:o} was claimed at {ClaimedAt:o} and never started (its process stopped); starting it now.")]
    private static partial void LogTakenOver(ILogger logger, Guid flowId, string nodeId, DateTimeOffset dueAt, DateTimeOffset claimedAt);

    private sealed record ScheduledNode(string NodeId, Schedule Schedule, bool RunOnceWhenMissed);
}
