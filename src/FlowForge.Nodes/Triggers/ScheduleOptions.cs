namespace FlowForge.Nodes.Triggers;

/// <summary>How schedule triggers fire, bound to section <c>Schedules</c>.</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedules";

    /// <summary>Whether this process fires schedules (worker and embedded roles). Turn off on workers that should only execute.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The shortest <c>everyMs</c> a schedule trigger may have.</summary>
    public long MinIntervalMs { get; set; } = 1_000;

    /// <summary>How often each worker looks for due times, in milliseconds.</summary>
    public int PollIntervalMs { get; set; } = 1_000;

    /// <summary>A due time noticed later than this (the processes were down) counts as missed and follows the node's <c>missed</c> policy.</summary>
    public int MissedAfterMs { get; set; } = 60_000;

    /// <summary>
    /// How long a due time claimed to start a run may stay without its run, in milliseconds, before another pass (of any
    /// process) takes it over: the claiming process stopped in between. Longer than a run start ever takes.
    /// </summary>
    public int FiringLeaseMs { get; set; } = 30_000;

    /// <summary>Most rows of the due list (due triggers, and flows activated or saved since the last pass) one pass of the scheduler reads.</summary>
    public int MaxActiveFlows { get; set; } = 10_000;
}
