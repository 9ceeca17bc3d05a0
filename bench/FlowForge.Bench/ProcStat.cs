using System.Globalization;

namespace FlowForge.Bench;

/// <summary>
/// One line of <c>/proc/&lt;pid&gt;/stat</c>: the parent, the CPU ticks the process used itself (utime + stime) and those of
/// its children it has waited for (cutime + cstime), kept apart so a process is not charged for the processes it reaped.
/// </summary>
public readonly record struct ProcStat(int Parent, long OwnTicks, long ReapedChildrenTicks)
{
    /// <summary>Reads the text of a stat file; null when it is not one (the process ended while being read).</summary>
    public static ProcStat? Parse(string text)
    {
        // Fields after the command name, which is in parentheses and may hold spaces and parentheses: state is [0], ppid [1],
        // utime [11], stime [12], cutime [13], cstime [14].
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 > text.Length)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 15
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stime)
            || !long.TryParse(fields[13], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cutime)
            || !long.TryParse(fields[14], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cstime))
        {
            return null;
        }

        return new ProcStat(parent, utime + stime, cutime + cstime);
    }
}
