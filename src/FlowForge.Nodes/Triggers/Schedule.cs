using System.Globalization;
using Cronos;

namespace FlowForge.Nodes.Triggers;

/// <summary>
/// The due times of a schedule trigger: a cron expression (5 fields, or 6 with seconds) in a time zone, or a fixed
/// interval counted from the Unix epoch, so every process computes the same due times without talking to the others.
/// </summary>
public sealed class Schedule
{
    // A latest-occurrence search walks forward at most this many due times; the doubling window keeps it to a few.
    private const int MaxSteps = 10_000;

    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone;
    private readonly long _everyTicks;

    private Schedule(CronExpression? cron, TimeZoneInfo zone, long everyTicks)
    {
        _cron = cron;
        _zone = zone;
        _everyTicks = everyTicks;
    }

    /// <summary>The schedule of a node's settings; null with a problem (naming the config field) when they do not make one.</summary>
    public static Schedule? TryCreate(ScheduleTriggerNode.Settings settings, long minIntervalMs, out Engine.Nodes.ConfigProblem? problem)
    {
        problem = null;
        if ((settings.Cron is null) == (settings.EveryMs is null))
        {
            problem = new("$.cron", "set exactly one of 'cron' (for example \"0 */5 * * * *\") and 'everyMs'");
            return null;
        }

        var zone = TimeZoneInfo.Utc;
        if (settings.TimeZone is { } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out zone))
        {
            problem = new("$.timeZone", $"'{zoneId}' is not a known time zone; use an IANA id such as \"Europe/Berlin\" or \"UTC\"");
            return null;
        }

        if (settings.EveryMs is { } every)
        {
            if (settings.TimeZone is not null)
            {
                problem = new("$.timeZone", "timeZone applies to 'cron' only; an interval does not depend on it, so remove it");
                return null;
            }

            if (every < minIntervalMs || every > ScheduleTriggerNode.MaxEveryMs)
            {
                problem = new("$.everyMs", string.Create(CultureInfo.InvariantCulture,
                    $"everyMs must be between {minIntervalMs} ({ScheduleOptions.Section}:{nameof(ScheduleOptions.MinIntervalMs)}) and {ScheduleTriggerNode.MaxEveryMs} (30 days), but it is {every}"));
                return null;
            }

            return new Schedule(null, TimeZoneInfo.Utc, every * TimeSpan.TicksPerMillisecond);
        }

        var text = settings.Cron!.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (text.Length > 200 || !CronExpression.TryParse(text, format, out var cron))
        {
            problem = new("$.cron", $"'{(text.Length > 60 ? text[..60] + "…" : text)}' is not a cron expression; write 5 fields (minute hour day month weekday) or 6 with seconds first, for example \"0 */5 * * * *\"");
            return null;
        }

        return new Schedule(cron, zone, 0);
    }

    /// <summary>The first due time strictly after <paramref name="after"/>; null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (_cron is null)
        {
            var ticks = Math.Max(0, after.UtcTicks - DateTime.UnixEpoch.Ticks);
            return new DateTimeOffset((((ticks / _everyTicks) + 1) * _everyTicks) + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);
        }

        return _cron.GetNextOccurrence(after, _zone);
    }

    /// <summary>The last due time in (<paramref name="after"/>, <paramref name="atOrBefore"/>]; null when there is none.</summary>
    public DateTimeOffset? LatestIn(DateTimeOffset after, DateTimeOffset atOrBefore)
    {
        if (atOrBefore <= after || NextAfter(after) is not { } first || first > atOrBefore)
        {
            return null;
        }

        // Widen a window back from the end until it holds a due time, then walk forward inside it.
        var window = TimeSpan.FromSeconds(1);
        var from = atOrBefore - window;
        while (from > after && (NextAfter(from) is not { } found || found > atOrBefore))
        {
            window *= 2;
            from = atOrBefore - window;
        }

        var latest = from > after ? NextAfter(from)!.Value : first;
        for (var steps = 0; steps < MaxSteps && NextAfter(latest) is { } next && next <= atOrBefore; steps++)
        {
            latest = next;
        }

        return latest;
    }
}
