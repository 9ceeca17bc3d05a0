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
/// One pass over the due schedule triggers at a given instant: one indexed query of the due list
/// (<see cref="IScheduleStore"/>), which a flow's activation or new version resets to one unplanned row that the
/// pass plans by reading that version once. Each due time is claimed by inserting its
/// firing row; only the process whose insert wins starts the run (with an idempotency key derived from the due time).
/// Due times noticed later than <see cref="ScheduleOptions.MissedAfterMs"/> are missed: <c>skip</c> passes them over,
/// <c>runOnce</c> starts one run for all of them. A firing claimed but never started (its process stopped in between)
/// is taken over by the first pass of any process once its claim is older than <see cref="ScheduleOptions.FiringLeaseMs"/>.
/// </summary>
internal sealed partial class ScheduleFirer(
    ITriggerStore triggers,
    IScheduleStore schedules,
    IFlowStore flows,
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

    /// <summary>The next due time of a trigger that will never fire again (a schedule without further times).</summary>
    private static readonly DateTimeOffset Never = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<(Guid FlowId, int Version, string NodeId), ScheduledNode?> _schedules = new();

    /// <summary>Fires what is due at <paramref name="now"/>; returns the number of runs this process started.</summary>
    public async Task<int> FireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var missedAfter = TimeSpan.FromMilliseconds(settings.MissedAfterMs);
        var started = await StartUnstartedAsync(now, TimeSpan.FromMilliseconds(settings.FiringLeaseMs), cancellationToken);
        var due = await schedules.ListDueSchedulesAsync(now, settings.MaxActiveFlows, cancellationToken);
        if (_schedules.Count > 4 * settings.MaxActiveFlows)
        {
            _schedules.Clear();
        }

        foreach (var row in due)
        {
            if (!row.IsUnplanned)
            {
                started += await FireAsync(row, now, missedAfter, cancellationToken);
                continue;
            }

            foreach (var planned in await PlanAsync(row, settings.MinIntervalMs, cancellationToken))
            {
                if (planned.NextDueAt <= now)
                {
                    started += await FireAsync(planned, now, missedAfter, cancellationToken);
                }
            }
        }

        return started;
    }

    /// <summary>
    /// Turns a flow's unplanned row into one row per schedule trigger of that version, each starting from its last
    /// firing or the activation, whichever is later; nothing when another process planned it or the flow changed meanwhile.
    /// </summary>
    private async Task<IReadOnlyList<DueSchedule>> PlanAsync(DueSchedule row, long minIntervalMs, CancellationToken cancellationToken)
    {
        var flow = await flows.GetVersionAsync(row.FlowId, row.Version, cancellationToken);
        var last = await schedules.LastFiringsAsync(row.FlowId, cancellationToken);
        var planned = new List<PlannedSchedule>();
        foreach (var (nodeId, config) in ScheduleConfigs(flow?.Json))
        {
            var baseline = last.TryGetValue(nodeId, out var l) && l > row.ActivatedAt ? l : row.ActivatedAt;
            var next = Parse(config, minIntervalMs)?.Schedule.NextAfter(baseline) ?? Never;
            planned.Add(new PlannedSchedule(nodeId, config, baseline, next));
        }

        if (!await schedules.PlanSchedulesAsync(row.FlowId, row.Version, planned, cancellationToken))
        {
            return [];
        }

        return [.. planned.Select(p => row with { NodeId = p.NodeId, ConfigJson = p.ConfigJson, Baseline = p.Baseline, NextDueAt = p.NextDueAt })];
    }

    private async Task<int> FireAsync(DueSchedule row, DateTimeOffset now, TimeSpan missedAfter, CancellationToken cancellationToken)
    {
        if (_schedules.GetOrAdd((row.FlowId, row.Version, row.NodeId), _ => Parse(row.ConfigJson, options.Value.MinIntervalMs)) is not { } node)
        {
            await schedules.AdvanceScheduleAsync(row, row.Baseline, Never, cancellationToken);
            return 0;
        }

        var baseline = row.Baseline;
        var onTimeFrom = now - missedAfter;
        var started = 0;
        if (onTimeFrom > baseline && node.Schedule.LatestIn(baseline, onTimeFrom) is { } missed)
        {
            if (node.RunOnceWhenMissed)
            {
                started += await ClaimAndStartAsync(row, missed, now, true, cancellationToken) ? 1 : 0;
            }
            else if (await triggers.TryClaimFiringAsync(new TriggerFiring(row.FlowId, row.NodeId, missed, now) { PassedOver = true }, cancellationToken))
            {
                LogSkipped(logger, row.FlowId, row.NodeId, missed);
            }

            baseline = missed;
        }

        var from = baseline > onTimeFrom ? baseline : onTimeFrom;
        var due = node.Schedule.NextAfter(from);
        for (var i = 0; i < MaxOnTimePerPass && due is { } d && d <= now; i++, due = node.Schedule.NextAfter(d))
        {
            started += await ClaimAndStartAsync(row, d, now, false, cancellationToken) ? 1 : 0;
            baseline = d;
        }

        // Every process that read this row computes the same move; the store applies it once.
        await schedules.AdvanceScheduleAsync(row, baseline, due ?? Never, cancellationToken);
        return started;
    }

    private async Task<bool> ClaimAndStartAsync(DueSchedule row, DateTimeOffset dueAt, DateTimeOffset now, bool missed, CancellationToken cancellationToken)
    {
        if (!await triggers.TryClaimFiringAsync(new TriggerFiring(row.FlowId, row.NodeId, dueAt, now) { Missed = missed }, cancellationToken))
        {
            return false;
        }

        return await StartClaimedAsync(row.FlowId, row.OwnerId, row.NodeId, dueAt, now, missed, cancellationToken);
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

    /// <summary>The schedule trigger nodes of a flow version, each with its config as JSON.</summary>
    private static List<(string NodeId, string Config)> ScheduleConfigs(string? json)
    {
        var document = json is null ? null : FlowParser.Parse(json).Document;
        return document is null ? [] : [.. TriggerNodes.Schedules(document).Select(n => (n.Id, n.Config?.ToJsonString() ?? "{}"))];
    }

    private static ScheduledNode? Parse(string config, long minIntervalMs)
    {
        ScheduleTriggerNode.Settings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<ScheduleTriggerNode.Settings>(config, SettingsOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        return settings is not null && Schedule.TryCreate(settings, minIntervalMs, out _) is { } schedule
            ? new ScheduledNode(schedule, settings.Missed == ScheduleTriggerNode.MissedRunOnce)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule trigger '{NodeId}' of flow {FlowId} missed its due times up to {DueAt:o}; passed over (missed: skip).")]
    private static partial void LogSkipped(ILogger logger, Guid flowId, string nodeId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId} did not fire: the flow is no longer valid ({Count} problems).")]
    private static partial void LogInvalid(ILogger logger, Guid flowId, string nodeId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId} did not fire: {Reason}")]
    private static partial void LogNoTrigger(ILogger logger, Guid flowId, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule trigger '{NodeId}' of flow {FlowId}: due time {DueAt:o} was claimed at {ClaimedAt:o} and never started (its process stopped); starting it now.")]
    private static partial void LogTakenOver(ILogger logger, Guid flowId, string nodeId, DateTimeOffset dueAt, DateTimeOffset claimedAt);

    private sealed record ScheduledNode(Schedule Schedule, bool RunOnceWhenMissed);
}
